#!/usr/bin/env bash
# Builds every Go tool the cluster test needs, one at a time (each build alone saturates two
# cores). Each script is idempotent, so a warm cache makes this a few seconds.
set -euo pipefail
here=$(dirname "$0")
for tool in kubernetes coredns istioctl traefik actionlint; do
  nice -n 10 "$here/$tool.sh"
done
