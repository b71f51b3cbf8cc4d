#!/usr/bin/env bash
# Builds Helm 4 from the Go module proxy (its release downloads are unreachable here) into the
# tool cache. Idempotent: exits at once when the cached binary was built with these flags.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
# What Helm's Makefile sets: the version (else `helm version` says v4.x-dev).
LDFLAGS="-s -w -X helm.sh/helm/v4/internal/version.version=$HELM_VERSION"
if cached helm "$LDFLAGS"; then echo "helm: $HELM_VERSION already in $TOOLS"; exit 0; fi
start=$(date +%s)
CGO_ENABLED=0 GOBIN="$TOOLS" go install -trimpath -ldflags "$LDFLAGS" "helm.sh/helm/v4/cmd/helm@$HELM_VERSION"
stamp helm "$LDFLAGS"
"$TOOLS/helm" version --short
echo "helm: $HELM_VERSION built in $(($(date +%s) - start)) s"
