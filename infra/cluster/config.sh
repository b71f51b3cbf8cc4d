# shellcheck shell=bash disable=SC2034  # settings for the scripts that source this file
# Settings shared by up.sh, down.sh and the test (sourced, not run). Every value can be overridden
# from the environment, so two clusters on one machine need only different ports and networks.
CLUSTER_STATE=${CLUSTER_STATE:-/tmp/k8s-app-monitor-cluster}
CLUSTER_CACHE=${CLUSTER_CACHE:-$HOME/.cache/k8s-app-monitor/cluster}
TOOLS=${K8S_APP_MONITOR_TOOLS:-$HOME/.cache/k8s-app-monitor/bin}
CLUSTER_BRIDGE=${CLUSTER_BRIDGE:-kam0}
# The node's address is the bridge's: the API server, kubelet and CoreDNS listen there, and it is
# the gateway of the pod network.
CLUSTER_POD_CIDR=${CLUSTER_POD_CIDR:-10.244.0.0/24}
CLUSTER_NODE_IP=${CLUSTER_NODE_IP:-10.244.0.1}
CLUSTER_SERVICE_CIDR=${CLUSTER_SERVICE_CIDR:-10.97.0.0/24}
CLUSTER_API_SERVICE_IP=${CLUSTER_API_SERVICE_IP:-10.97.0.1}
CLUSTER_NODE_NAME=${CLUSTER_NODE_NAME:-k8s-app-monitor-node}
PORT_ETCD=${PORT_ETCD:-21379}
PORT_ETCD_PEER=${PORT_ETCD_PEER:-21380}
PORT_API=${PORT_API:-21443}
PORT_KUBELET=${PORT_KUBELET:-21250}
PORT_KUBELET_HEALTHZ=${PORT_KUBELET_HEALTHZ:-21248}
PORT_CONTROLLER_MANAGER=${PORT_CONTROLLER_MANAGER:-21257}
PORT_SCHEDULER=${PORT_SCHEDULER:-21259}
PORT_PROXY_HEALTHZ=${PORT_PROXY_HEALTHZ:-21256}
PORT_PROXY_METRICS=${PORT_PROXY_METRICS:-21249}
PORT_CRI_STREAM=${PORT_CRI_STREAM:-21010}
PORT_COREDNS_HEALTH=${PORT_COREDNS_HEALTH:-21053}
PORT_INGRESS=${PORT_INGRESS:-21080}
PORT_TRAEFIK_API=${PORT_TRAEFIK_API:-21081}
PAUSE_IMAGE=${PAUSE_IMAGE:-k8s-app-monitor.local/pause:1}
# The comment on every iptables rule up.sh adds, so down.sh removes exactly those.
IPTABLES_COMMENT=k8s-app-monitor-cluster
CONTAINERD_SOCK=$CLUSTER_STATE/containerd/containerd.sock
KUBECONFIG_ADMIN=$CLUSTER_STATE/pki/admin.kubeconfig
