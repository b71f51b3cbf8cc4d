#!/usr/bin/env bash
# Says exactly what this machine lacks to run the local cluster, one line each, and exits 1 if
# anything is missing (0 when everything is there). The test turns that into a skip locally and
# a failure under CI=true.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/config.sh"
missing=()
((EUID == 0)) || missing+=("root (the kubelet, containerd and the CNI bridge need it)")
for b in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl coredns traefik \
  containerd containerd-shim-runc-v2 ctr runc; do
  [[ -x $TOOLS/$b ]] || missing+=("$TOOLS/$b (build it: npm run tools, or infra/tools/build.sh cluster)")
done
for c in etcd iptables ip openssl gcc curl; do
  command -v "$c" >/dev/null || missing+=("$c on PATH (Debian: etcd-server iptables iproute2 openssl gcc curl)")
done
[[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local && -x /usr/lib/cni/portmap ]] ||
  missing+=("/usr/lib/cni/{bridge,host-local,portmap} (Debian: containernetworking-plugins)")
[[ -f /usr/lib/x86_64-linux-gnu/libc.a || -f /usr/lib/aarch64-linux-gnu/libc.a ]] || missing+=("a static libc for the pause image (Debian: libc6-dev)")
# cgroups: the kubelet (cgroupfs driver) creates kubepods under each hierarchy.
if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
  probe=/sys/fs/cgroup/k8s-app-monitor-probe.$$
else
  probe=/sys/fs/cgroup/memory/k8s-app-monitor-probe.$$
fi
if mkdir "$probe" 2>/dev/null; then rmdir "$probe"; else missing+=("writable cgroups (mkdir $probe failed)"); fi
if ! ip link add kam-probe$$ type bridge 2>/dev/null; then
  missing+=("creating a bridge (ip link add type bridge failed: no CAP_NET_ADMIN?)")
else
  ip link del kam-probe$$
fi
iptables -w -L FORWARD -n >/dev/null 2>&1 || missing+=("iptables (iptables -L FORWARD failed)")
[[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]] || modprobe br_netfilter 2>/dev/null ||
  missing+=("the br_netfilter module (Services on a bridge need it)")
if ip link show "$CLUSTER_BRIDGE" >/dev/null 2>&1 && [[ ! -e $CLUSTER_STATE/pids ]]; then
  missing+=("bridge $CLUSTER_BRIDGE already exists (not ours: set CLUSTER_BRIDGE)")
fi
for port in "$PORT_ETCD" "$PORT_API" "$PORT_KUBELET" "$PORT_INGRESS"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then missing+=("port $port is in use"); fi
done
if ((${#missing[@]})); then
  printf 'probe: missing: %s\n' "${missing[@]}" >&2
  exit 1
fi
