#!/usr/bin/env bash
# Builds kube-apiserver, kubelet, kube-controller-manager, kube-scheduler and kube-proxy v1.32
# from the Go module proxy into the tools cache. `go install k8s.io/kubernetes/cmd/...@v1.32.13`
# is refused because k8s.io/kubernetes's go.mod replaces its ~31 staging modules with ./staging,
# so a throwaway wrapper module requires it and points every staging module at its published
# v0.32.x version instead. Idempotent: exits at once when all five binaries are cached.
set -euo pipefail
KUBERNETES_VERSION=v1.32.13
STAGING_VERSION=v0.32.13
# The module proxy answers 403 for k8s.io/endpointslice@v0.32.13; v0.32.12 has the same API.
ENDPOINTSLICE_VERSION=v0.32.12
BINARIES=(kube-apiserver kubelet kube-controller-manager kube-scheduler kube-proxy)

TOOLS="${K8S_APP_MONITOR_TOOLS:-$HOME/.cache/k8s-app-monitor/bin}"
mkdir -p "$TOOLS"
missing=0
for b in "${BINARIES[@]}"; do [[ -x "$TOOLS/$b" ]] || missing=1; done
if ((missing == 0)); then
  echo "kubernetes: ${BINARIES[*]} already in $TOOLS"
  exit 0
fi

start=$(date +%s)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# Read the staging module list from k8s.io/kubernetes's own go.mod (replace ... => ./staging/...).
gomod=$(go mod download -json "k8s.io/kubernetes@${KUBERNETES_VERSION}" | sed -n 's/^\s*"GoMod": "\(.*\)",\?$/\1/p')
mapfile -t staging < <(sed -n 's#^\s*\(k8s\.io/[a-z0-9-]*\) => \./staging/.*#\1#p' "$gomod" | sort -u)
((${#staging[@]} > 20)) || { echo "kubernetes: found only ${#staging[@]} staging modules in $gomod" >&2; exit 1; }

{
  echo "module k8s-app-monitor/kubernetes-tools"
  echo
  echo "go 1.23"
  echo
  echo "require k8s.io/kubernetes ${KUBERNETES_VERSION}"
  echo
  for m in "${staging[@]}"; do
    v=$STAGING_VERSION
    [[ $m == k8s.io/endpointslice ]] && v=$ENDPOINTSLICE_VERSION
    echo "replace $m => $m $v"
  done
} >go.mod
{
  echo "//go:build tools"
  echo
  echo "package tools"
  echo
  echo "import ("
  for b in "${BINARIES[@]}"; do echo "	_ \"k8s.io/kubernetes/cmd/$b\""; done
  echo ")"
} >tools.go

go mod tidy
for b in "${BINARIES[@]}"; do
  [[ -x "$TOOLS/$b" ]] && continue
  t0=$(date +%s)
  CGO_ENABLED=0 go build -trimpath -o "$TOOLS/$b.tmp" \
    -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=${KUBERNETES_VERSION} -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=32" \
    "k8s.io/kubernetes/cmd/$b"
  mv "$TOOLS/$b.tmp" "$TOOLS/$b"
  echo "kubernetes: built $b in $(($(date +%s) - t0)) s"
done
echo "kubernetes: ${KUBERNETES_VERSION} built in $(($(date +%s) - start)) s"
