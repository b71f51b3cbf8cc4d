/** The outcome of one verification check, printed as one line with its evidence. */
type Outcome = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  name: string;
  outcome: Outcome;
  /** What was seen (trace id, series value, edge rate), why it failed, or why it was skipped. */
  detail: string;
}

export const pass = (name: string, detail: string): CheckResult => ({ name, outcome: 'pass', detail });
export const fail = (name: string, detail: string): CheckResult => ({ name, outcome: 'fail', detail });
export const skip = (name: string, detail: string): CheckResult => ({ name, outcome: 'skip', detail });

const LABEL: Record<Outcome, string> = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' };

/** The report: one line per check, then a summary line naming the failures. */
export function formatReport(results: CheckResult[]): string {
  const lines = results.map((r) => `${LABEL[r.outcome]} ${r.name}: ${r.detail}`);
  const failed = results.filter((r) => r.outcome === 'fail').map((r) => r.name);
  const skipped = results.filter((r) => r.outcome === 'skip').length;
  const passed = results.filter((r) => r.outcome === 'pass').length;
  lines.push(failed.length ? `verify: FAILED ${failed.length} of ${results.length} checks: ${failed.join(', ')}` : `verify: ok, ${passed} passed, ${skipped} skipped`);
  return `${lines.join('\n')}\n`;
}

export const exitCode = (results: CheckResult[]): number => (results.some((r) => r.outcome === 'fail') ? 1 : 0);
