#!/usr/bin/env bash
# Builds CoreDNS (the cluster's DNS server, run on the host) from the Go module proxy into the
# tool cache. Idempotent: exits at once when the binary is cached at this version.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
if cached coredns "$COREDNS_VERSION"; then echo "coredns: $COREDNS_VERSION already in $TOOLS"; exit 0; fi
start=$(date +%s)
CGO_ENABLED=0 GOBIN="$TOOLS" go install -trimpath -ldflags "-s -w" "github.com/coredns/coredns@${COREDNS_VERSION}"
stamp coredns "$COREDNS_VERSION"
echo "coredns: ${COREDNS_VERSION} built in $(($(date +%s) - start)) s"
