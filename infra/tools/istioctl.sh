#!/usr/bin/env bash
# Builds istioctl from the Go module proxy into the tool cache. istio.io/istio has no release
# tags there; ISTIOCTL_VERSION (infra/versions.env) is a pseudo-version of the 1.31 line, used for
# istioctl alone (the CRDs come from istio.io/api, see istio-crds.sh). Idempotent.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
if cached istioctl "$ISTIOCTL_VERSION"; then echo "istioctl: already in $TOOLS"; exit 0; fi
start=$(date +%s)
CGO_ENABLED=0 GOBIN="$TOOLS" timeout 1800 go install -trimpath -ldflags "-s -w" "istio.io/istio/istioctl/cmd/istioctl@${ISTIOCTL_VERSION}"
stamp istioctl "$ISTIOCTL_VERSION"
echo "istioctl: ${ISTIOCTL_VERSION} built in $(($(date +%s) - start)) s"
