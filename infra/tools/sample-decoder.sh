#!/bin/sh
# Builds the Go client of the original sample shape (sample-decoder/main.go, standard library
# only, a few seconds) into $K8S_APP_MONITOR_TOOLS, named by the hash of its source so an edit
# rebuilds it and a warm cache returns at once. Prints the binary's path.
set -eu
src="$(cd "$(dirname "$0")" && pwd)/sample-decoder/main.go"
bin_dir="${K8S_APP_MONITOR_TOOLS:-$HOME/.cache/k8s-app-monitor/bin}"
out="$bin_dir/sample-decoder-$(sha256sum "$src" | cut -c1-12)"
if [ -x "$out" ]; then
  echo "$out"
  exit 0
fi
mkdir -p "$bin_dir"
start=$(date +%s)
(cd "$(dirname "$src")" && CGO_ENABLED=0 GO111MODULE=off nice -n 10 go build -o "$out.tmp" main.go)
mv "$out.tmp" "$out"
echo "sample-decoder built in $(( $(date +%s) - start )) s" >&2
echo "$out"
