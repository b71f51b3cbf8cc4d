# shellcheck shell=bash
# Certificates and kubeconfigs for the local cluster, made with openssl (sourced by up.sh).
# One CA signs the API server's serving certificate and every client certificate; the API server
# maps a client certificate's CN to a user and its O to groups. P-256 keys: RSA-2048 took 20 s for
# these twelve on a busy 2-core machine, ECDSA well under one.

pki_ca() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=k8s-app-monitor-ca" \
    -keyout "$PKI/ca.key" -out "$PKI/ca.crt" 2>/dev/null
}

# pki_cert <name> <subject> [subjectAltName]
pki_cert() {
  local name=$1 subject=$2 san=${3:-}
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "$subject" -keyout "$PKI/$name.key" -out "$PKI/$name.csr" 2>/dev/null
  local ext="$PKI/$name.ext"
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature"
    if [[ -n $san ]]; then echo "extendedKeyUsage=serverAuth,clientAuth"; echo "subjectAltName=$san"; else echo "extendedKeyUsage=clientAuth"; fi
  } >"$ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 2 -extfile "$ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$ext"
}

# pki_kubeconfig <name>: a kubeconfig authenticating with <name>.crt/.key against the API server.
pki_kubeconfig() {
  local name=$1
  cat >"$PKI/$name.kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
  - name: k8s-app-monitor
    cluster:
      server: https://$CLUSTER_NODE_IP:$PORT_API
      certificate-authority: $PKI/ca.crt
users:
  - name: $name
    user:
      client-certificate: $PKI/$name.crt
      client-key: $PKI/$name.key
contexts:
  - name: k8s-app-monitor
    context: {cluster: k8s-app-monitor, user: $name}
current-context: k8s-app-monitor
KC
}

pki_all() {
  mkdir -p "$PKI"
  pki_ca
  pki_cert apiserver "/CN=kube-apiserver" \
    "IP:$CLUSTER_NODE_IP,IP:$CLUSTER_API_SERVICE_IP,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  pki_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
  pki_cert admin "/O=system:masters/CN=k8s-app-monitor-admin"
  pki_cert kubelet "/O=system:nodes/CN=system:node:$CLUSTER_NODE_NAME"
  pki_cert controller-manager "/CN=system:kube-controller-manager"
  pki_cert scheduler "/CN=system:kube-scheduler"
  pki_cert kube-proxy "/CN=system:kube-proxy"
  # CoreDNS and Traefik watch Services, Endpoints and Ingresses; the test grants them read-only roles.
  pki_cert coredns "/CN=k8s-app-monitor-coredns"
  pki_cert traefik "/CN=k8s-app-monitor-traefik"
  openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/sa.key"
  openssl ec -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  local n
  for n in admin kubelet controller-manager scheduler kube-proxy coredns traefik; do pki_kubeconfig "$n"; done
}
