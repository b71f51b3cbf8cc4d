#!/usr/bin/env bash
# Builds Traefik v3 (the ingress controller the cluster test runs outside the cluster, with its
# Kubernetes Ingress and Gateway API providers) from the Go module proxy into the tools cache. `go install` is
# refused because Traefik's go.mod has replace directives, so a wrapper module requires it and
# copies those lines. Idempotent: exits at once when the binary is cached.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
if cached traefik "$TRAEFIK_VERSION"; then echo "traefik: $TRAEFIK_VERSION already in $TOOLS"; exit 0; fi
start=$(date +%s)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cat >go.mod <<MOD
module k8s-app-monitor/traefik-tool

go 1.24

require github.com/traefik/traefik/v3 ${TRAEFIK_VERSION}

// Copied from Traefik's own go.mod: forks it builds against.
replace github.com/abbot/go-http-auth => github.com/containous/go-http-auth v0.4.1-0.20200324110947-a37a7636d23e

replace github.com/gorilla/mux => github.com/containous/mux v0.0.0-20250523120546-41b6ec3aed59

replace github.com/mailgun/minheap => github.com/containous/minheap v0.0.0-20190809180810-6e71eb837595

exclude github.com/tencentcloud/tencentcloud-sdk-go v3.0.83+incompatible
MOD
printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/traefik/traefik/v3/cmd/traefik"\n' >tools.go
# Some checksum look-ups through this proxy fail; Traefik's own go.sum holds the same sums.
cp "$(module_dir "github.com/traefik/traefik/v3@${TRAEFIK_VERSION}")/go.sum" go.sum
go mod tidy
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=${TRAEFIK_VERSION}" \
  -o "$TOOLS/traefik.tmp" github.com/traefik/traefik/v3/cmd/traefik
mv "$TOOLS/traefik.tmp" "$TOOLS/traefik"
stamp traefik "$TRAEFIK_VERSION"
echo "traefik: ${TRAEFIK_VERSION} built in $(($(date +%s) - start)) s"
