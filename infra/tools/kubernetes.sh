#!/usr/bin/env bash
# Builds kube-apiserver, kubelet, kube-controller-manager, kube-scheduler, kube-proxy and kubectl
# from the Go module proxy into the tool cache. `go install k8s.io/kubernetes/cmd/...` is refused
# because k8s.io/kubernetes's go.mod replaces its staging modules with ./staging, so a throwaway
# wrapper module requires it and points every staging module at its published version instead.
# Idempotent: exits at once when all six binaries are cached at this version.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
BINARIES=(kube-apiserver kubelet kube-controller-manager kube-scheduler kube-proxy kubectl)
missing=0
for b in "${BINARIES[@]}"; do cached "$b" "$KUBERNETES_VERSION" || missing=1; done
if ((missing == 0)); then
  echo "kubernetes: ${KUBERNETES_VERSION} already in $TOOLS"
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
go_line=$(sed -n 's/^go \(.*\)/\1/p' "$gomod")

{
  echo "module k8s-app-monitor/kubernetes-tools"
  echo
  echo "go ${go_line}"
  echo
  echo "require k8s.io/kubernetes ${KUBERNETES_VERSION}"
  echo
  for m in "${staging[@]}"; do echo "replace $m => $m ${KUBERNETES_STAGING_VERSION}"; done
} >go.mod
{
  printf '//go:build tools\n\npackage tools\n\nimport (\n'
  for b in "${BINARIES[@]}"; do printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "$b"; done
  printf ')\n'
} >tools.go
cp "$(dirname "$gomod")/../kubernetes@${KUBERNETES_VERSION}/go.sum" go.sum 2>/dev/null ||
  cp "$(module_dir "k8s.io/kubernetes@${KUBERNETES_VERSION}")/go.sum" go.sum
go mod tidy
minor=$(echo "$KUBERNETES_VERSION" | cut -d. -f2)
v=k8s.io/component-base/version
for b in "${BINARIES[@]}"; do
  cached "$b" "$KUBERNETES_VERSION" && continue
  t0=$(date +%s)
  CGO_ENABLED=0 go build -trimpath -o "$TOOLS/$b.tmp" \
    -ldflags "-s -w -X $v.gitVersion=${KUBERNETES_VERSION} -X $v.gitMajor=1 -X $v.gitMinor=${minor} -X k8s.io/client-go/pkg/version.gitVersion=${KUBERNETES_VERSION}" \
    "k8s.io/kubernetes/cmd/$b"
  mv "$TOOLS/$b.tmp" "$TOOLS/$b"
  stamp "$b" "$KUBERNETES_VERSION"
  echo "kubernetes: built $b in $(($(date +%s) - t0)) s"
done
echo "kubernetes: ${KUBERNETES_VERSION} built in $(($(date +%s) - start)) s"
