export const COMPILED_DIRS: string[];
export const STAMP_FILE: string;
export function sourceStamp(root: string, dirs?: string[]): string;
export function isFresh(root: string, distDir: string): boolean;
