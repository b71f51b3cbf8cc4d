export const ALL_IN_ONE: string;
export const HEADER: string;
export function renderAllInOne(): string;
