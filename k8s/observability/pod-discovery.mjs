// Pod discovery for Prometheus over HTTP SD. Debian's Prometheus (the only one obtainable here) is
// built without kubernetes_sd_configs, so this sidecar lists the pods through the API server and
// answers Prometheus's http_sd_configs with the same __meta_kubernetes_* labels kubernetes_sd
// would give: prometheus.yml's relabelling (keep prometheus.io/scrape, port, path) stays standard.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { request } from 'node:https';

const ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';
const API = `https://${process.env.KUBERNETES_SERVICE_HOST}:${process.env.KUBERNETES_SERVICE_PORT}`;
const PORT = Number(process.env.PORT ?? 8080);
const label = (key) => key.replace(/[^a-zA-Z0-9_]/g, '_');

function listPods() {
  return new Promise((resolve, reject) => {
    // The token is read per request: the kubelet rotates it.
    const req = request(`${API}/api/v1/pods`, {
      ca: readFileSync(`${ACCOUNT}/ca.crt`),
      headers: { authorization: `Bearer ${readFileSync(`${ACCOUNT}/token`, 'utf8').trim()}` },
      timeout: 5000,
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body).items) : reject(new Error(`API server: ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error('API server: timeout')));
    req.on('error', reject);
    req.end();
  });
}

function targetGroup(pod) {
  const labels = {
    __meta_kubernetes_namespace: pod.metadata.namespace,
    __meta_kubernetes_pod_name: pod.metadata.name,
    __meta_kubernetes_pod_ip: pod.status.podIP,
    __meta_kubernetes_pod_ready: String(pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false),
  };
  for (const [k, v] of Object.entries(pod.metadata.labels ?? {})) labels[`__meta_kubernetes_pod_label_${label(k)}`] = v;
  for (const [k, v] of Object.entries(pod.metadata.annotations ?? {})) labels[`__meta_kubernetes_pod_annotation_${label(k)}`] = v;
  return { targets: [pod.status.podIP], labels };
}

createServer(async (req, res) => {
  if (req.url !== '/targets') {
    res.writeHead(404).end();
    return;
  }
  try {
    const pods = (await listPods()).filter((p) => p.status.phase === 'Running' && p.status.podIP && !p.metadata.deletionTimestamp);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(pods.map(targetGroup)));
  } catch (error) {
    // Prometheus keeps the last good target list when discovery fails.
    res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Service Unavailable', message: String(error.message) }));
  }
}).listen(PORT, '127.0.0.1');
