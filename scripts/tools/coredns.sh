#!/usr/bin/env bash
# Builds CoreDNS (the cluster test's DNS server, run on the host) from the Go module proxy into
# the tools cache. Idempotent: exits at once when the binary is cached.
set -euo pipefail
COREDNS_VERSION=v1.12.4
TOOLS="${K8S_APP_MONITOR_TOOLS:-$HOME/.cache/k8s-app-monitor/bin}"
mkdir -p "$TOOLS"
if [[ -x "$TOOLS/coredns" ]]; then echo "coredns: already in $TOOLS"; exit 0; fi
start=$(date +%s)
CGO_ENABLED=0 GOBIN="$TOOLS" go install -trimpath "github.com/coredns/coredns@${COREDNS_VERSION}"
echo "coredns: ${COREDNS_VERSION} built in $(($(date +%s) - start)) s"
