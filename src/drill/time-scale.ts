/**
 * Alert rules run faster for a drill: every range (`[5m]`) and `for:` of the rules file divided by
 * the scale, so a drill against a Prometheus loaded with `npm run drill -- --print-rules --scale 60`
 * sees in a minute what the real rules see in an hour. The thresholds and expressions stay as they
 * are; a drill run with the same `--scale` divides its time budgets alike.
 */
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

const seconds = (amount: string, unit: string): number => Number(amount) * UNIT_SECONDS[unit]!;

/** A duration divided by the scale, in whole seconds (at least 1 s). */
function scaled(amount: string, unit: string, scale: number): string {
  return `${Math.max(1, Math.round(seconds(amount, unit) / scale))}s`;
}

/** A drill's budget for rules at this scale: what does not scale (scrapes, evaluations) keeps 20 s. */
export const scaledBudget = (nominalSeconds: number, scale: number): number => Math.max(20, nominalSeconds / scale);

export function scaleRules(rulesYaml: string, scale: number): string {
  if (scale === 1) return rulesYaml;
  return rulesYaml
    .replace(/\[(\d+)([smhd])\]/g, (_m, amount: string, unit: string) => `[${scaled(amount, unit, scale)}]`)
    .replace(/^(\s*for:\s*)(\d+)([smhd])\s*$/gm, (_m, prefix: string, amount: string, unit: string) => `${prefix}${scaled(amount, unit, scale)}`);
}
