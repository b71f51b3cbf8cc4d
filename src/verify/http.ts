/** Small HTTP helpers for the checks: bounded requests, JSON bodies, polling until a condition holds. */

const REQUEST_TIMEOUT_MS = 10_000;

export async function get(url: URL | string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), redirect: 'follow' });
}

export async function getJson<T>(url: URL | string): Promise<T> {
  const response = await get(url, { accept: 'application/json' });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as T;
}

/**
 * Calls `check` until it returns a value (not undefined) or `timeoutMs` has passed; then returns
 * undefined and the last reason (a thrown error's message, or what `check` reported as `why`).
 */
export async function eventually<T>(check: (why: (reason: string) => undefined) => Promise<T | undefined>, timeoutMs: number, intervalMs = 1000): Promise<{ value: T | undefined; reason: string }> {
  const deadline = Date.now() + timeoutMs;
  let reason = 'no answer';
  const why = (r: string): undefined => {
    reason = r;
    return undefined;
  };
  for (;;) {
    try {
      const value = await check(why);
      if (value !== undefined) return { value, reason: '' };
    } catch (error) {
      reason = error instanceof Error ? `${error.message}${error.cause ? ` (${String((error.cause as Error).message ?? error.cause)})` : ''}` : String(error);
    }
    if (Date.now() + intervalMs > deadline) return { value: undefined, reason };
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
