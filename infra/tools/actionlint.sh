#!/usr/bin/env bash
# Builds actionlint (lints .github/workflows) from the Go module proxy into the tool cache.
# Idempotent: exits at once when the binary is cached at this version.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
if cached actionlint "$ACTIONLINT_VERSION"; then echo "actionlint: $ACTIONLINT_VERSION already in $TOOLS"; exit 0; fi
start=$(date +%s)
CGO_ENABLED=0 GOBIN="$TOOLS" go install -trimpath -ldflags "-s -w" "github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}"
stamp actionlint "$ACTIONLINT_VERSION"
echo "actionlint: ${ACTIONLINT_VERSION} built in $(($(date +%s) - start)) s"
