#!/usr/bin/env bash
# Builds istioctl from the Go module proxy into the tools cache. The same istio.io/istio module
# version, left in GOMODCACHE by this build, supplies the Istio CRDs the cluster test applies
# (see istio-crds.sh). Idempotent: exits at once when the binary is cached.
set -euo pipefail
# istio.io/istio has no semver tags on the module proxy; this is the 1.27 line's commit.
ISTIO_VERSION=v0.0.0-20260827124520-eed52ebb66ad
TOOLS="${K8S_APP_MONITOR_TOOLS:-$HOME/.cache/k8s-app-monitor/bin}"
mkdir -p "$TOOLS"
if [[ -x "$TOOLS/istioctl" ]]; then echo "istioctl: already in $TOOLS"; exit 0; fi
start=$(date +%s)
GOBIN="$TOOLS" timeout 1800 go install "istio.io/istio/istioctl/cmd/istioctl@${ISTIO_VERSION}"
echo "istioctl: ${ISTIO_VERSION} built in $(($(date +%s) - start)) s"
