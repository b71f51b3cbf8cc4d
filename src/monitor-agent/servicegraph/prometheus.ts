import http from 'node:http';
import https from 'node:https';

/** One sample of an instant-vector result. */
export interface VectorSample {
  metric: Record<string, string>;
  value: number;
}

/** Prometheus could not answer; the service graph reports 502. */
export class PrometheusError extends Error {
  override name = 'PrometheusError';
  readonly status = 502;
  readonly expose = true;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Runs an instant query against Prometheus' HTTP API (`/api/v1/query`), with a deadline and a
 * body cap. Values come back as numbers; NaN and infinities (a rate over no samples) are dropped.
 */
export function queryVector(base: URL, promql: string, timeoutMs: number): Promise<VectorSample[]> {
  const url = new URL(`${base.pathname.replace(/\/$/, '')}/api/v1/query`, base);
  url.searchParams.set('query', promql);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.get(url, { headers: { accept: 'application/json' }, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) request.destroy(new PrometheusError('Prometheus sent an oversized answer'));
        else chunks.push(chunk);
      });
      response.on('end', () => {
        try {
          resolve(parseVector(Buffer.concat(chunks).toString('utf8'), response.statusCode ?? 0));
        } catch (error) {
          reject(error);
        }
      });
      response.on('error', (error) => reject(error instanceof PrometheusError ? error : new PrometheusError('Prometheus closed the connection')));
    });
    request.on('timeout', () => request.destroy(new PrometheusError(`Prometheus did not answer within ${timeoutMs} ms`)));
    request.on('error', (error: NodeJS.ErrnoException) =>
      reject(error instanceof PrometheusError ? error : new PrometheusError(`Prometheus is unreachable (${error.code ?? 'error'})`)),
    );
  });
}

function parseVector(text: string, status: number): VectorSample[] {
  let body: { status?: string; error?: string; data?: { resultType?: string; result?: { metric: Record<string, string>; value: [number, string] }[] } };
  try {
    body = JSON.parse(text);
  } catch {
    throw new PrometheusError(`Prometheus answered ${status} with a body that is not JSON`);
  }
  if (body.status !== 'success' || body.data?.resultType !== 'vector' || !Array.isArray(body.data.result)) {
    throw new PrometheusError(`Prometheus rejected the query (${status}${body.error ? `: ${body.error.slice(0, 200)}` : ''})`);
  }
  return body.data.result
    .map(({ metric, value }) => ({ metric, value: Number(value[1]) }))
    .filter(({ value }) => Number.isFinite(value));
}
