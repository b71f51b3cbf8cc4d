/**
 * URLs from settings (UPSTREAM_URL, ZIPKIN_UI_URL, PROMETHEUS_URL) may carry credentials as
 * userinfo (`http://user:pass@host`). The clients use them; nothing logged, traced or sent may.
 */

/**
 * For logs and spans: userinfo replaced by `REDACTED`, as the OpenTelemetry semantic conventions
 * ask of `url.full` (https://opentelemetry.io/docs/specs/semconv/registry/attributes/url/), so a
 * reader still sees that the URL had credentials.
 */
export function redactedUrl(url: URL): string {
  if (url.username === '' && url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.username = 'REDACTED';
  if (copy.password !== '') copy.password = 'REDACTED';
  return copy.href;
}

/** For links sent to browsers: the URL without userinfo at all. */
export function withoutCredentials(url: URL): URL {
  if (url.username === '' && url.password === '') return url;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy;
}
