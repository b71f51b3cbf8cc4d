export const RULES: string;
export const PROMETHEUS_RULE: string;
export function renderPrometheusRule(root?: string): string;
