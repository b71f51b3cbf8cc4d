#!/usr/bin/env bash
# Builds the Grafana backend from the Go module proxy into the project's tool cache, with the
# conf/ and public/ folders it needs as its homepath beside it. Grafana's release downloads and
# images are unreachable here, and the proxy serves no v10+ tag: the newest version it serves is
# a main-branch commit of 2023-06-09 (10.0 pre-release). No frontend is built: the HTTP API is
# what the tests use. Idempotent: exits at once when the binary and homepath are cached.
set -euo pipefail
GRAFANA_MODULE=github.com/grafana/grafana
GRAFANA_VERSION="${GRAFANA_VERSION:-v1.9.2-0.20230609164553-81d85ce8028d}"
WIRE_VERSION=v0.7.0 # v0.5.0 panics on Go 1.26
BIN_DIR="${K8S_APP_MONITOR_TOOLS:-$HOME/.cache/k8s-app-monitor/bin}"
CACHE_DIR="$(dirname "$BIN_DIR")"
HOME_DIR="$CACHE_DIR/grafana"           # --homepath: conf/ and public/
BUILD_DIR="$CACHE_DIR/grafana-build"    # writable copy of the module source, removed after the build
STAMP="$HOME_DIR/.version"
if [ -x "$BIN_DIR/grafana" ] && [ -f "$HOME_DIR/conf/defaults.ini" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$GRAFANA_VERSION" ]; then
  echo "grafana $GRAFANA_VERSION already in $BIN_DIR, homepath $HOME_DIR (build time 0 s)"
  exit 0
fi
start=$(date +%s)
mkdir -p "$BIN_DIR"
src="$(go mod download -json "$GRAFANA_MODULE@$GRAFANA_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
[ -d "$src" ] || { echo "grafana.sh: module $GRAFANA_MODULE@$GRAFANA_VERSION not downloaded" >&2; exit 1; }

# Build inside a writable copy of the module, as the main module: upstream's own replace
# directives and go.sum then apply unchanged, except one replace the proxy cannot serve.
if [ ! -f "$BUILD_DIR/go.mod" ]; then
  rm -rf "$BUILD_DIR.tmp"
  cp -r "$src" "$BUILD_DIR.tmp"
  chmod -R u+w "$BUILD_DIR.tmp"
  mv "$BUILD_DIR.tmp" "$BUILD_DIR"
fi
cd "$BUILD_DIR"
# The fork github.com/grafana/go-mssqldb's zip is refused by the proxy; upstream go-mssqldb v0.12.3 builds.
sed -i 's#^replace github.com/denisenkom/go-mssqldb => .*#replace github.com/denisenkom/go-mssqldb => github.com/denisenkom/go-mssqldb v0.12.3#' go.mod
# -mod=mod lets the build record the few go.sum lines that replacement needs.
export GOFLAGS="-mod=mod -buildvcs=false"

# The dependency-injection code (wire_gen.go) is generated, not in the module zip.
if [ ! -f pkg/server/wire_gen.go ]; then
  GOBIN="$BUILD_DIR/.bin" nice -n 10 go install "github.com/google/wire/cmd/wire@$WIRE_VERSION"
  nice -n 10 "$BUILD_DIR/.bin/wire" gen -tags oss ./pkg/server
fi

# CGO for SQLite, Grafana's default database.
CGO_ENABLED=1 nice -n 10 go build -tags oss -o "$BIN_DIR/grafana.tmp" \
  -ldflags "-s -w -X main.version=10.0.0-pre -X main.commit=${GRAFANA_VERSION##*-}" ./pkg/cmd/grafana
mv "$BIN_DIR/grafana.tmp" "$BIN_DIR/grafana"

rm -rf "$HOME_DIR"
mkdir -p "$HOME_DIR"
cp -r "$BUILD_DIR/conf" "$BUILD_DIR/public" "$HOME_DIR/"
echo "$GRAFANA_VERSION" > "$STAMP"
# The 134 MB source copy served only this build; the binary and homepath are what is cached.
rm -rf "$BUILD_DIR"
"$BIN_DIR/grafana" -v || true
echo "grafana $GRAFANA_VERSION built in $(( $(date +%s) - start )) s (homepath $HOME_DIR)"
