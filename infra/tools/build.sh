#!/usr/bin/env bash
# Builds the Go tools a test suite needs, one at a time (each build alone saturates two cores),
# and prints each build's time. Every script is idempotent, so a warm cache makes this seconds.
#   build.sh test      what `npm test` needs: Prometheus 3 + promtool, Helm 4, istioctl,
#                      actionlint, the dashboard checker
#   build.sh cluster   what `npm run test:cluster` adds: Kubernetes, containerd 2 + runc,
#                      CoreDNS, Traefik
#   build.sh           both
set -euo pipefail
here=$(dirname "$0")
case "${1:-all}" in
  test) tools=(prometheus helm istioctl actionlint dashboard-check) ;;
  cluster) tools=(kubernetes containerd coredns traefik) ;;
  all) tools=(prometheus helm istioctl actionlint dashboard-check kubernetes containerd coredns traefik) ;;
  *) echo "build.sh: unknown group '$1' (test, cluster or all)" >&2; exit 64 ;;
esac
for tool in "${tools[@]}"; do
  t0=$(date +%s)
  nice -n 10 "$here/$tool.sh" >&2
  printf 'tools: %-16s %5d s\n' "$tool" "$(($(date +%s) - t0))"
done
