import type { Middleware } from 'koa';

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
 * The Content-Security-Policy of every page. Scripts and styles come from this origin only; no
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
 * Safe defaults on every response, JSON included (a browser may be pointed at any URL): no MIME
 * sniffing, no referrer leaving the site, no framing, and the CSP above.
 */
const HEADERS = Object.freeze({
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
});

/** Their names in lower case, as Node reports them: the error handler keeps these. */
export const SECURITY_HEADER_NAMES: readonly string[] = Object.keys(HEADERS).map((name) => name.toLowerCase());

/** Sets them first, so error answers carry them too; hands on `next()` rather than awaiting it. */
export function securityHeaders(): Middleware {
  return function setSecurityHeaders(ctx, next) {
    ctx.set(HEADERS);
    return next();
  };
}
