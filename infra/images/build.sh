#!/usr/bin/env bash
# Builds both service images from the unchanged Dockerfile with the classic builder, tagged with the
# short git SHA as CI does:  <IMAGE_REGISTRY>/k8s-app-monitor-{test,agent}:<IMAGE_TAG>
#
#   infra/images/build.sh            # starts the private engine if needed, makes the base images
#   IMAGE_TAG=abc1234 infra/images/build.sh
#
# Defaults match compose/docker-compose.yml: IMAGE_REGISTRY=ghcr.io/k8s-app-monitor,
# IMAGE_TAG=$(git rev-parse --short HEAD). The engine is left running (DOCKER_HOST is printed on the
# last line as an export); stop it with infra/docker/dockerd.sh stop.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
export IMAGE_REGISTRY="${IMAGE_REGISTRY:-ghcr.io/k8s-app-monitor}"
export IMAGE_TAG="${IMAGE_TAG:-$(git rev-parse --short HEAD)}"
export DOCKER_BUILDKIT=0 # BuildKit would pull the `# syntax=` frontend from Docker Hub

eval "$(infra/docker/dockerd.sh start)"
infra/images/base-images.sh

# What GET /version reports: the commit, and its commit time as the build time (a clock time would
# change every run and defeat Docker's layer cache; the commit time is reproducible).
commit="$(git rev-parse HEAD)"
built="$(git log -1 --format=%cI HEAD)"
for target in k8s-app-monitor-test k8s-app-monitor-agent; do
  t=$(date +%s)
  image="${IMAGE_REGISTRY}/${target}:${IMAGE_TAG}"
  nice -n 5 docker build -q --target "$target" --build-arg "APP_VERSION=${IMAGE_TAG}" \
    --build-arg "GIT_COMMIT=${commit}" --build-arg "BUILD_TIME=${built}" -t "$image" . >/dev/null
  printf 'build: %-55s %4d s\n' "$image" "$(($(date +%s) - t))" >&2
done
echo "export DOCKER_HOST=${DOCKER_HOST} IMAGE_REGISTRY=${IMAGE_REGISTRY} IMAGE_TAG=${IMAGE_TAG}"
