#!/usr/bin/env bash
# Builds actionlint (lints .github/workflows) from the Go module proxy into the tools cache.
# Idempotent: exits at once when the binary is cached.
set -euo pipefail
ACTIONLINT_VERSION=v1.7.12
TOOLS="${K8S_APP_MONITOR_TOOLS:-$HOME/.cache/k8s-app-monitor/bin}"
mkdir -p "$TOOLS"
if [[ -x "$TOOLS/actionlint" ]]; then echo "actionlint: already in $TOOLS"; exit 0; fi
start=$(date +%s)
GOBIN="$TOOLS" go install "github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}"
echo "actionlint: ${ACTIONLINT_VERSION} built in $(($(date +%s) - start)) s"
