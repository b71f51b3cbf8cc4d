#!/usr/bin/env bash
# Tears down what up.sh (and the test, through the same pids file) started: processes by their
# recorded PID, pod containers through runc's state, their network namespaces, kube-proxy's
# iptables chains, the FORWARD rules carrying our comment, the bridge, every mount under the state
# directory. Safe to run twice, and after a half-finished up.sh.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/config.sh"

# stop <name> <pid>...: SIGTERM to each PID that still runs <name>, then SIGKILL to whatever is
# left after 10 s (all at once: one by one, a dozen shims took minutes).
stop() {
  local name=$1 pid live=()
  shift
  for pid in "$@"; do
    if ! [[ -r /proc/$pid/cmdline ]] || ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$name"; then continue; fi
    kill -TERM "$pid" 2>/dev/null && live+=("$pid")
  done
  for _ in $(seq 1 100); do
    local alive=()
    for pid in "${live[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
    live=("${alive[@]}")
    ((${#live[@]})) || return 0
    sleep 0.1
  done
  kill -KILL "${live[@]}" 2>/dev/null
  return 0
}

pids=$CLUSTER_STATE/pids
if [[ -f $pids ]]; then
  # Reverse start order, except etcd, the API server and containerd, which go after the pods.
  while read -r name pid; do
    case $name in etcd | kube-apiserver | containerd) ;; *) stop "$name" "$pid" ;; esac
  done < <(tac "$pids")
fi

# Pod containers: runc's state for the k8s.io namespace of our containerd. Read each container's
# network namespace from its bundle before deleting it.
runc_root=$CLUSTER_STATE/runc/k8s.io
netns=()
if [[ -d $runc_root ]]; then
  for id in $("$TOOLS/runc" --root "$runc_root" list -q 2>/dev/null); do
    bundle=$CLUSTER_STATE/containerd/state/io.containerd.runtime.v2.task/k8s.io/$id
    [[ -f $bundle/config.json ]] && mapfile -t -O "${#netns[@]}" netns < <(grep -o '/var/run/netns/cni-[0-9a-f-]*' "$bundle/config.json")
    "$TOOLS/runc" --root "$runc_root" delete -f "$id" >/dev/null 2>&1
  done
fi

if [[ -f $pids ]]; then
  while read -r name pid; do
    case $name in etcd | kube-apiserver | containerd) stop "$name" "$pid" ;; esac
  done < <(tac "$pids")
fi
# The shims containerd started outlive it; ours are the ones connected to our socket.
mapfile -t shims < <(pgrep -f "containerd-shim-runc-v2 .*-address $CONTAINERD_SOCK" || true)
stop containerd-shim "${shims[@]}"

for ns in $(printf '%s\n' "${netns[@]}" | sort -u); do
  ip netns delete "$(basename "$ns")" 2>/dev/null || { umount "$ns" 2>/dev/null; rm -f "$ns"; }
done
rm -f /var/lib/cni/results/k8s-app-monitor-* 2>/dev/null

# kube-proxy's KUBE-* chains; then our own rules, found by their comment.
if [[ -f $pids && -x $TOOLS/kube-proxy ]] && grep -q '^kube-proxy ' "$pids"; then
  "$TOOLS/kube-proxy" --cleanup >/dev/null 2>&1 || true
fi
# What kube-proxy's cleanup leaves: the kubelet's KUBE-FIREWALL, KUBE-MARK-MASQ, canary and hint
# chains (IPv4 and IPv6). Only a cluster of ours creates KUBE-* chains on this machine.
if [[ -f $pids ]]; then
  for ipt in iptables ip6tables; do
    for table in filter nat mangle; do
      $ipt -w -t "$table" -S 2>/dev/null | grep -E '^-A (INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING) .*-j KUBE-' | sed 's/^-A //' |
        while read -r rule; do eval "$ipt -w -t $table -D $rule"; done
      for chain in $($ipt -w -t "$table" -S 2>/dev/null | sed -n 's/^-N \(KUBE-[A-Z0-9-]*\)$/\1/p'); do $ipt -w -t "$table" -F "$chain"; done
      for chain in $($ipt -w -t "$table" -S 2>/dev/null | sed -n 's/^-N \(KUBE-[A-Z0-9-]*\)$/\1/p'); do $ipt -w -t "$table" -X "$chain"; done
    done
  done
fi
for table in filter nat; do
  iptables -w -t "$table" -S | grep -- "--comment $IPTABLES_COMMENT" | sed 's/^-A //' | while read -r rule; do
    eval "iptables -w -t $table -D $rule"
  done
done

if [[ -f $CLUSTER_STATE/bridge ]]; then
  ip link del "$(cat "$CLUSTER_STATE/bridge")" 2>/dev/null || true
fi

# Mounts under the state directory (kubelet volumes, containerd snapshots and sandbox shm),
# deepest first.
if [[ -d $CLUSTER_STATE ]]; then
  awk -v root="$CLUSTER_STATE" '$5 == root || index($5, root "/") == 1 { print $5 }' /proc/self/mountinfo |
    sort -r | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
  rm -rf "$CLUSTER_STATE"
fi
echo "down: done"
