#!/usr/bin/env bash
# Builds Prometheus 3 and promtool (one build) from the Go module proxy into the tool cache:
# Debian ships 2.42 (2023), whose build has no Kubernetes discovery. The tags keep only the
# Kubernetes service discovery (what the cluster uses) and drop the other ~25 mechanisms, which
# roughly halves the build. The module has no web UI assets: the HTTP API works, the UI pages do not.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TAGS=remove_all_sd,enable_kubernetes_sd
KEY="$PROMETHEUS_MODULE_VERSION $TAGS"
if cached prometheus "$KEY" && cached promtool "$KEY"; then echo "prometheus: $PROMETHEUS_VERSION already in $TOOLS"; exit 0; fi
start=$(date +%s)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# A wrapper module: `go install` of cmd/prometheus works too, but the wrapper builds both
# commands in one go (shared packages compiled once).
cat >go.mod <<MOD
module k8s-app-monitor/prometheus-tools

go 1.26

require github.com/prometheus/prometheus ${PROMETHEUS_MODULE_VERSION}
MOD
printf '//go:build tools\n\npackage tools\n\nimport (\n\t_ "github.com/prometheus/prometheus/cmd/prometheus"\n\t_ "github.com/prometheus/prometheus/cmd/promtool"\n)\n' >tools.go
cp "$(module_dir "github.com/prometheus/prometheus@${PROMETHEUS_MODULE_VERSION}")/go.sum" go.sum
go mod tidy
ver=github.com/prometheus/common/version
ldflags="-s -w -X $ver.Version=$PROMETHEUS_VERSION -X $ver.Branch=release -X $ver.Revision=$PROMETHEUS_MODULE_VERSION"
for cmd in prometheus promtool; do
  CGO_ENABLED=0 go build -trimpath -tags "$TAGS" -ldflags "$ldflags" -o "$TOOLS/$cmd.tmp" "github.com/prometheus/prometheus/cmd/$cmd"
  mv "$TOOLS/$cmd.tmp" "$TOOLS/$cmd"
  stamp "$cmd" "$KEY"
done
"$TOOLS/prometheus" --version | head -1
echo "prometheus: $PROMETHEUS_VERSION and promtool built in $(($(date +%s) - start)) s"
