#!/usr/bin/env bash
# Starts a single-node Kubernetes (infra/versions.env: v1.37) cluster on this machine from cached binaries: etcd
# (Debian), the control plane and kubelet/kube-proxy (infra/tools/kubernetes.sh), a private
# containerd 2 with CRI, Debian's CNI bridge plugin, CoreDNS on the node address. Every process is
# recorded in $CLUSTER_STATE/pids and every iptables rule carries a comment, so down.sh removes
# exactly what this added. On failure it tears down what it started.
# Prints the phase timings; writes $CLUSTER_STATE/env (KUBECONFIG=...) for the callers.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/config.sh"
. "$here/pki.sh"
. "$here/lib.sh"
# The tool cache's kubectl, containerd, its shim (found on PATH) and ctr before any Debian ones.
export PATH="$TOOLS:$PATH"

[[ -e $CLUSTER_STATE/pids ]] && { echo "up: $CLUSTER_STATE/pids exists: run down.sh first" >&2; exit 1; }
"$here/probe.sh"
on_exit() {
  local status=$?
  if ((status != 0)); then echo "up: failed ($status); tearing down" >&2; "$here/down.sh" || true; fi
}
trap on_exit EXIT

mkdir -p "$CLUSTER_STATE"/{logs,etcd,kubelet,containerd,cni/net.d,cni/ipam,runc} "$CLUSTER_CACHE"
: >"$CLUSTER_STATE/pids"
PKI=$CLUSTER_STATE/pki
phase_start

pki_all
phase "certificates"

# The node's network: the CNI bridge, created here so the API server and CoreDNS can bind its
# address before the first pod exists. Bridged pod traffic must traverse iptables (kube-proxy's
# Service rules) and be forwarded: dockerd sets the FORWARD policy to DROP.
modprobe br_netfilter 2>/dev/null || true
sysctl -qw net.bridge.bridge-nf-call-iptables=1 net.ipv4.ip_forward=1
ip link add "$CLUSTER_BRIDGE" type bridge
echo "$CLUSTER_BRIDGE" >"$CLUSTER_STATE/bridge"
ip addr add "$CLUSTER_NODE_IP/${CLUSTER_POD_CIDR#*/}" dev "$CLUSTER_BRIDGE"
ip link set "$CLUSTER_BRIDGE" up
iptables -w -I FORWARD -i "$CLUSTER_BRIDGE" -m comment --comment "$IPTABLES_COMMENT" -j ACCEPT
iptables -w -I FORWARD -o "$CLUSTER_BRIDGE" -m comment --comment "$IPTABLES_COMMENT" -j ACCEPT
cat >"$CLUSTER_STATE/cni/net.d/10-k8s-app-monitor.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "k8s-app-monitor",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$CLUSTER_BRIDGE",
      "isGateway": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$CLUSTER_STATE/cni/ipam",
        "ranges": [[{"subnet": "$CLUSTER_POD_CIDR", "gateway": "$CLUSTER_NODE_IP"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
JSON
phase "network"

start etcd etcd --name k8s-app-monitor --data-dir "$CLUSTER_STATE/etcd" \
  --listen-client-urls "http://127.0.0.1:$PORT_ETCD" --advertise-client-urls "http://127.0.0.1:$PORT_ETCD" \
  --listen-peer-urls "http://127.0.0.1:$PORT_ETCD_PEER" --initial-advertise-peer-urls "http://127.0.0.1:$PORT_ETCD_PEER" \
  --initial-cluster "k8s-app-monitor=http://127.0.0.1:$PORT_ETCD_PEER" --quota-backend-bytes 1073741824
wait_for etcd 30 curl -fsS "http://127.0.0.1:$PORT_ETCD/health"
phase "etcd"

start kube-apiserver "$TOOLS/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$PORT_ETCD" \
  --bind-address "$CLUSTER_NODE_IP" --advertise-address "$CLUSTER_NODE_IP" --secure-port "$PORT_API" \
  --service-cluster-ip-range "$CLUSTER_SERVICE_CIDR" --service-node-port-range 30000-30999 \
  --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
  --client-ca-file "$PKI/ca.crt" \
  --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
  --kubelet-preferred-address-types InternalIP \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
  --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
  --allow-privileged=false --profiling=false --event-ttl 30m
wait_for kube-apiserver 120 kubectl --kubeconfig "$KUBECONFIG_ADMIN" get --raw /readyz
phase "kube-apiserver"

start kube-controller-manager "$TOOLS/kube-controller-manager" \
  --kubeconfig "$PKI/controller-manager.kubeconfig" \
  --authentication-kubeconfig "$PKI/controller-manager.kubeconfig" --authorization-kubeconfig "$PKI/controller-manager.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$PORT_CONTROLLER_MANAGER" \
  --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
  --use-service-account-credentials --service-cluster-ip-range "$CLUSTER_SERVICE_CIDR" \
  --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
  --leader-elect=false --profiling=false
start kube-scheduler "$TOOLS/kube-scheduler" \
  --kubeconfig "$PKI/scheduler.kubeconfig" \
  --authentication-kubeconfig "$PKI/scheduler.kubeconfig" --authorization-kubeconfig "$PKI/scheduler.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$PORT_SCHEDULER" --leader-elect=false --profiling=false
phase "controller-manager, scheduler started"

# containerd 2 (infra/tools/containerd.sh: Kubernetes 1.37 refuses containerd 1.x, Debian's), a
# private one beside any dockerd may run: its own root, state, sockets, runc root; NRI off (its
# socket is machine-wide). Config format 3; containerd 2.4 reads it and migrates in memory.
"$here/pause-image.sh" "$CLUSTER_CACHE/pause.tar"
cat >"$CLUSTER_STATE/containerd/config.toml" <<TOML
version = 3
root = "$CLUSTER_STATE/containerd/root"
state = "$CLUSTER_STATE/containerd/state"
disabled_plugins = ["io.containerd.nri.v1.nri"]
[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$CLUSTER_STATE/containerd/opt"
[plugins."io.containerd.cri.v1.images"]
  snapshotter = "overlayfs"
  [plugins."io.containerd.cri.v1.images".pinned_images]
    sandbox = "$PAUSE_IMAGE"
[plugins."io.containerd.cri.v1.runtime"]
  # Without CAP_SYS_RESOURCE runc cannot lower oom_score_adj below the parent's: every sandbox
  # would fail with "can't get final child's PID from pipe: EOF".
  restrict_oom_score_adj = true
  [plugins."io.containerd.cri.v1.runtime".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
        BinaryName = "$TOOLS/runc"
        SystemdCgroup = false
        Root = "$CLUSTER_STATE/runc"
  [plugins."io.containerd.cri.v1.runtime".cni]
    bin_dirs = ["/usr/lib/cni"]
    conf_dir = "$CLUSTER_STATE/cni/net.d"
[plugins."io.containerd.grpc.v1.cri"]
  stream_server_address = "127.0.0.1"
  stream_server_port = "$PORT_CRI_STREAM"
TOML
start containerd "$TOOLS/containerd" --config "$CLUSTER_STATE/containerd/config.toml"
wait_for containerd 30 ctr --address "$CONTAINERD_SOCK" version
ctr --address "$CONTAINERD_SOCK" -n k8s.io images import "$CLUSTER_CACHE/pause.tar" >/dev/null
phase "containerd"

cat >"$CLUSTER_STATE/kubelet/config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
address: $CLUSTER_NODE_IP
port: $PORT_KUBELET
healthzBindAddress: 127.0.0.1
healthzPort: $PORT_KUBELET_HEALTHZ
readOnlyPort: 0
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
# cgroups v1 without systemd inside this VM: cgroupfs, like the containerd above. Kubernetes
# 1.35+ refuses to start on cgroup v1 unless told this host is known to be v1.
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
clusterDNS: [$CLUSTER_NODE_IP]
clusterDomain: cluster.local
podCIDR: $CLUSTER_POD_CIDR
maxPods: 60
# A shared build machine runs with little free disk and memory headroom; the defaults would evict
# the test's pods while Go builds run beside it.
evictionHard: {memory.available: "50Mi", nodefs.available: "1%", nodefs.inodesFree: "1%", imagefs.available: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
shutdownGracePeriod: 0s
YAML
start kubelet "$TOOLS/kubelet" --config "$CLUSTER_STATE/kubelet/config.yaml" \
  --kubeconfig "$PKI/kubelet.kubeconfig" --root-dir "$CLUSTER_STATE/kubelet" \
  --hostname-override "$CLUSTER_NODE_NAME" --node-ip "$CLUSTER_NODE_IP" \
  --cert-dir "$CLUSTER_STATE/kubelet/pki"

cat >"$CLUSTER_STATE/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $PKI/kube-proxy.kubeconfig}
mode: iptables
clusterCIDR: $CLUSTER_POD_CIDR
hostnameOverride: $CLUSTER_NODE_NAME
bindAddress: $CLUSTER_NODE_IP
healthzBindAddress: 127.0.0.1:$PORT_PROXY_HEALTHZ
metricsBindAddress: 127.0.0.1:$PORT_PROXY_METRICS
# nf_conntrack_max cannot be raised without CAP_SYS_RESOURCE-like access to /proc/sys here.
conntrack: {maxPerCore: 0}
YAML
start kube-proxy "$TOOLS/kube-proxy" --config "$CLUSTER_STATE/kube-proxy.yaml"

# CoreDNS serves cluster.local from the API server on the node address, the kubelet's clusterDNS.
kubectl --kubeconfig "$KUBECONFIG_ADMIN" apply --server-side -f "$here/rbac.yaml" >/dev/null
cat >"$CLUSTER_STATE/Corefile" <<COREFILE
.:53 {
  bind $CLUSTER_NODE_IP
  errors
  health 127.0.0.1:$PORT_COREDNS_HEALTH
  kubernetes cluster.local in-addr.arpa ip6.arpa {
    kubeconfig $PKI/coredns.kubeconfig k8s-app-monitor
    pods insecure
  }
  cache 5
}
COREFILE
start coredns "$TOOLS/coredns" -conf "$CLUSTER_STATE/Corefile"
wait_for "node Ready" 90 kubectl --kubeconfig "$KUBECONFIG_ADMIN" wait --for=condition=Ready "node/$CLUSTER_NODE_NAME" --timeout=5s
wait_for coredns 30 curl -fsS "http://127.0.0.1:$PORT_COREDNS_HEALTH/health"
phase "kubelet, kube-proxy, CoreDNS (node Ready)"

echo "KUBECONFIG=$KUBECONFIG_ADMIN" >"$CLUSTER_STATE/env"
echo "TRAEFIK_KUBECONFIG=$PKI/traefik.kubeconfig" >>"$CLUSTER_STATE/env"
echo "CONTAINERD_SOCK=$CONTAINERD_SOCK" >>"$CLUSTER_STATE/env"
trap - EXIT
phase_total
