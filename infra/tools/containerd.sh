#!/usr/bin/env bash
# Builds containerd 2 (and its shim and ctr) and runc from the Go module proxy into the tool cache:
# Kubernetes after 1.35 no longer supports containerd 1.x, which is what Debian ships.
# Idempotent: exits at once when the binaries are cached at these versions.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
KEY="$CONTAINERD_VERSION $RUNC_VERSION seccomp"
if cached containerd "$KEY" && cached containerd-shim-runc-v2 "$KEY" && cached ctr "$KEY" && cached runc "$KEY"; then
  echo "containerd: $CONTAINERD_VERSION, runc $RUNC_VERSION already in $TOOLS"
  exit 0
fi
start=$(date +%s)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cat >go.mod <<MOD
module k8s-app-monitor/containerd-tools

go 1.26

require (
	github.com/containerd/containerd/v2 ${CONTAINERD_VERSION}
	github.com/opencontainers/runc ${RUNC_VERSION}
)
MOD
printf '//go:build tools\n\npackage tools\n\nimport (\n\t_ "github.com/containerd/containerd/v2/cmd/containerd"\n\t_ "github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2"\n\t_ "github.com/containerd/containerd/v2/cmd/ctr"\n\t_ "github.com/opencontainers/runc"\n)\n' >tools.go
cat "$(module_dir "github.com/containerd/containerd/v2@${CONTAINERD_VERSION}")/go.sum" \
  "$(module_dir "github.com/opencontainers/runc@${RUNC_VERSION}")/go.sum" | sort -u >go.sum
go mod tidy
# containerd's Makefile: no btrfs (its headers are not installed), the version in the binary.
pkg=github.com/containerd/containerd/v2
for cmd in containerd containerd-shim-runc-v2 ctr; do
  CGO_ENABLED=0 go build -trimpath -tags "no_btrfs" \
    -ldflags "-s -w -X $pkg/version.Version=${CONTAINERD_VERSION} -X $pkg/version.Package=$pkg" \
    -o "$TOOLS/$cmd.tmp" "$pkg/cmd/$cmd"
  mv "$TOOLS/$cmd.tmp" "$TOOLS/$cmd"
  stamp "$cmd" "$KEY"
done
# runc needs cgo (its nsenter part is C) and libseccomp (libseccomp-dev, pkg-config): built
# without the seccomp tag it refuses every container that asks for a seccomp profile, and the
# manifests ask for RuntimeDefault on every pod.
CGO_ENABLED=1 go build -trimpath -tags seccomp -ldflags "-s -w -X main.version=${RUNC_VERSION#v}" -o "$TOOLS/runc.tmp" github.com/opencontainers/runc
mv "$TOOLS/runc.tmp" "$TOOLS/runc"
stamp runc "$KEY"
"$TOOLS/containerd" --version
"$TOOLS/runc" --version | head -1
echo "containerd: $CONTAINERD_VERSION and runc $RUNC_VERSION built in $(($(date +%s) - start)) s"
