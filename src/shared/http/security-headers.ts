import type { Context, Middleware } from 'koa';

/**
 * The two <style> elements plotly.js-dist 4 injects, allowed by their hashes instead of
 * 'unsafe-inline': an empty one it then fills through CSSOM (plotly.js issue 7543), and the CSS of
 * its bundled maplibre-gl. test/shared/http/security-headers.test.ts recomputes the second from the
 * installed bundle, so a Plotly upgrade that changes it fails there, not silently in browsers.
 */
export const PLOTLY_STYLE_HASHES = [
  "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='", // the empty string
  "'sha256-ji27qzEtxXZW+7dun6UwjHXJ18e6WAin1VvNtkzIE/o='", // maplibre-gl.css, as bundled in plotly.js-dist 4.1
];

/**
 * The Content-Security-Policy of the HTML pages. Scripts and styles come from this origin only; no
 * inline script, no eval, no inline style but Plotly's two, by hash.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  `style-src 'self' ${PLOTLY_STYLE_HASHES.join(' ')}`,
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * The Content-Security-Policy of every other response (JSON, images, scripts, styles, errors):
 * nothing may load and nothing may frame it, so an SVG or a JSON body opened as a document runs
 * nothing. Stricter than the pages' policy, and a seventh of its bytes (measured: 0.98–1.00 of
 * the CPU a request of the page's policy on every response, within the bench's noise).
 */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/**
 * Safe defaults on every response, JSON included (a browser may be pointed at any URL): no MIME
 * sniffing, no referrer leaving the site, no framing, and the strict CSP above; a page gets its
 * own policy from usePagePolicy.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': API_CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
});

/** Their names in lower case, as Node reports them: the error handler keeps these. */
export const SECURITY_HEADER_NAMES: readonly string[] = Object.keys(SECURITY_HEADERS).map((name) => name.toLowerCase());

/** Sets them first, so error answers carry them too; hands on `next()` rather than awaiting it. */
export function securityHeaders(): Middleware {
  return function setSecurityHeaders(ctx, next) {
    ctx.set(SECURITY_HEADERS);
    return next();
  };
}

/** The pages' policy on an HTML answer (static-files.ts and the API page call this). */
export function usePagePolicy(ctx: Context): void {
  ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
}
