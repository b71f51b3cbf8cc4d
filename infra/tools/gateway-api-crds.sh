#!/usr/bin/env bash
# Prints the path of the Gateway API standard-channel CRD bundle (Gateway, GatewayClass,
# HTTPRoute, GRPCRoute, ReferenceGrant) from sigs.k8s.io/gateway-api, downloading the module into
# GOMODCACHE if it is not there yet (no build). The version is the one Traefik v3.6 supports.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
crds="$(module_dir "sigs.k8s.io/gateway-api@${GATEWAY_API_VERSION}")/config/crd/standard"
ls "$crds"/*.yaml >/dev/null || { echo "gateway-api-crds: no CRDs in $crds" >&2; exit 1; }
echo "$crds"
