#!/usr/bin/env bash
# Builds dashboard-check (dashboard-check/: Grafana's dashboard schema from the Apache-2.0
# grafana-foundation-sdk, Prometheus's PromQL parser) into the tool cache, named by the hash of its
# sources so an edit rebuilds it. Prints the binary's path on stdout.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
src="$(cd "$(dirname "$0")/dashboard-check" && pwd)"
out="$TOOLS/dashboard-check-$(cat "$src"/go.mod "$src"/go.sum "$src"/*.go | sha256sum | cut -c1-12)"
if [[ -x "$out" ]]; then echo "$out"; exit 0; fi
start=$(date +%s)
(cd "$src" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out.tmp" .)
mv "$out.tmp" "$out"
ln -sf "$(basename "$out")" "$TOOLS/dashboard-check"
echo "dashboard-check built in $(($(date +%s) - start)) s" >&2
echo "$out"
