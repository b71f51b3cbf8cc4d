#!/usr/bin/env bash
# Checks both built images: size, non-root user, no shell, and start-up time (from `docker run`
# to the first 200 from /readyz, with the compose file's hardening: read-only root, no capabilities,
# no-new-privileges). One line per check; exits non-zero naming the failures.
#
#   eval "$(infra/images/build.sh)" && infra/images/check.sh
set -euo pipefail
: "${DOCKER_HOST:?run infra/docker/dockerd.sh start (or build.sh) first}"
IMAGE_REGISTRY="${IMAGE_REGISTRY:-ghcr.io/k8s-app-monitor}"
IMAGE_TAG="${IMAGE_TAG:-$(git -C "$(dirname "$0")" rev-parse --short HEAD)}"
PORT="${CHECK_PORT:-22080}" # a free host port for the start-up probe
failures=()

ms() { date +%s%3N; }

check() { # name command...
  local name="$1"
  shift
  if "$@"; then echo "ok   ${name}"; else echo "FAIL ${name}"; failures+=("$name"); fi
}

for target in k8s-app-monitor-test:3000 k8s-app-monitor-agent:8888; do
  name="${target%%:*}"
  port="${target##*:}"
  image="${IMAGE_REGISTRY}/${name}:${IMAGE_TAG}"
  read -r size user <<<"$(docker image inspect "$image" --format '{{.Size}} {{.Config.User}}')"
  echo "     ${image}: $((size / 1000000)) MB, user ${user}"
  check "${name}: size under 250 MB ($((size / 1000000)) MB)" test "$size" -lt 250000000
  check "${name}: runs as a numeric non-root user (${user})" bash -c "[[ '${user%%:*}' =~ ^[0-9]+$ && '${user%%:*}' != 0 ]]"
  uid="$(docker run --rm --entrypoint /nodejs/bin/node "$image" -e 'process.stdout.write(String(process.getuid()))')"
  check "${name}: process uid is ${uid}" test "$uid" != 0
  for sh in /bin/sh /bin/bash /busybox/sh; do
    check "${name}: no ${sh}" bash -c "! docker run --rm --entrypoint '$sh' '$image' -c true >/dev/null 2>&1"
  done
  # Start-up: docker run to the first ready answer. The agent is ready without its upstream.
  start=$(ms)
  id="$(docker run -d --read-only --cap-drop ALL --security-opt no-new-privileges:true \
    -e PORT="$port" -e OTEL_TRACES_EXPORTER=none -e SERVICE_NAME=127.0.0.1 -p "127.0.0.1:${PORT}:${port}" "$image")"
  ready=""
  for _ in $(seq 1 300); do
    if curl -fs -o /dev/null "http://127.0.0.1:${PORT}/readyz"; then ready=$(($(ms) - start)); break; fi
    sleep 0.05
  done
  check "${name}: ready after ${ready:-never} ms (docker run → 200 from /readyz, under 15 s)" test -n "$ready"
  [[ -n "$ready" ]] || docker logs "$id" 2>&1 | tail -20
  docker rm -f "$id" >/dev/null
done

if ((${#failures[@]})); then
  echo "image checks failed: ${failures[*]}" >&2
  exit 1
fi
