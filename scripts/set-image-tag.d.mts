export const TAGGED_FILES: string[];
export function currentImageTag(root?: string): string;
export function shortSha(commit: string): string;
