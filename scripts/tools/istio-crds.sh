#!/usr/bin/env bash
# Prints the path of Istio's CRD bundle from the istio.io/istio module istioctl.sh builds from,
# downloading the module into GOMODCACHE if it is not there yet.
set -euo pipefail
ISTIO_VERSION=$(sed -n 's/^ISTIO_VERSION=\([^ ]*\).*/\1/p' "$(dirname "$0")/istioctl.sh")
dir=$(cd /tmp && go mod download -json "istio.io/istio@${ISTIO_VERSION}" | sed -n 's/^\s*"Dir": "\(.*\)",\?$/\1/p')
crds="$dir/manifests/charts/base/files/crd-all.gen.yaml"
[[ -s $crds ]] || { echo "istio-crds: $crds missing" >&2; exit 1; }
echo "$crds"
