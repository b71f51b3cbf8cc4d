#!/usr/bin/env bash
# Prints the path of Istio's CRD bundle from the approved istio.io/api release, downloading the
# module into GOMODCACHE if it is not there yet (a few MB, no build).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
crds="$(module_dir "istio.io/api@${ISTIO_API_VERSION}")/kubernetes/customresourcedefinitions.gen.yaml"
[[ -s $crds ]] || { echo "istio-crds: $crds missing" >&2; exit 1; }
echo "$crds"
