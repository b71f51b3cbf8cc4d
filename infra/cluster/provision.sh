#!/usr/bin/env bash
# The provisioning layer the cluster test talks to, so the same test runs against the local
# cluster (up.sh/down.sh, this machine) and kind (GitHub Actions, where kind can be downloaded).
#   provision.sh up                 start the cluster; prints KUBECONFIG= and TRAEFIK_KUBECONFIG= (also in $CLUSTER_STATE/env)
#   provision.sh load <image>...    make local Docker images available to the kubelet
#   provision.sh start <name> <cmd> run a host process (Traefik) recorded for teardown
#   provision.sh down               tear everything down
# CLUSTER_PROVIDER=local (default) or kind.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/config.sh"
provider=${CLUSTER_PROVIDER:-local}
KIND_CLUSTER=${KIND_CLUSTER:-k8s-app-monitor}

case "$provider:${1:-}" in
  local:up)
    "$here/up.sh" >&2
    cat "$CLUSTER_STATE/env"
    ;;
  local:load)
    shift
    for image in "$@"; do
      docker save "$image" | "$TOOLS/ctr" --address "$CONTAINERD_SOCK" -n k8s.io images import - >/dev/null
    done
    ;;
  kind:up)
    mkdir -p "$CLUSTER_STATE"
    : >"$CLUSTER_STATE/pids"
    kind create cluster --name "$KIND_CLUSTER" --kubeconfig "$CLUSTER_STATE/kubeconfig" \
      --config "$here/kind.yaml" --wait 120s >&2
    # Traefik runs on the host, as in the local cluster: route the pod and Service networks to
    # the node container so it (and the test) reach endpoints directly.
    node_ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$KIND_CLUSTER-control-plane")
    ip route replace 10.244.0.0/16 via "$node_ip"
    ip route replace "$CLUSTER_SERVICE_CIDR" via "$node_ip"
    mkdir -p "$CLUSTER_STATE/logs"
    printf 'KUBECONFIG=%s\nTRAEFIK_KUBECONFIG=%s\n' "$CLUSTER_STATE/kubeconfig" "$CLUSTER_STATE/kubeconfig" >"$CLUSTER_STATE/env"
    cat "$CLUSTER_STATE/env"
    ;;
  kind:load)
    shift
    kind load docker-image --name "$KIND_CLUSTER" "$@" >&2
    ;;
  *:start)
    name=$2
    shift 2
    setsid "$@" >"$CLUSTER_STATE/logs/$name.log" 2>&1 </dev/null &
    echo "$name $!" >>"$CLUSTER_STATE/pids"
    echo "$!"
    ;;
  local:down)
    "$here/down.sh" >&2
    ;;
  kind:down)
    if [[ -f $CLUSTER_STATE/pids ]]; then
      while read -r _ pid; do kill "$pid" 2>/dev/null || true; done <"$CLUSTER_STATE/pids"
    fi
    ip route del 10.244.0.0/16 2>/dev/null || true
    ip route del "$CLUSTER_SERVICE_CIDR" 2>/dev/null || true
    kind delete cluster --name "$KIND_CLUSTER" >&2
    rm -rf "$CLUSTER_STATE"
    ;;
  *)
    echo "usage: CLUSTER_PROVIDER=local|kind provision.sh up|load <image>...|start <name> <cmd>...|down" >&2
    exit 64
    ;;
esac
