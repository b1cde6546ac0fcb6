// Types of scripts/import-side-effects.mjs for the TypeScript test that imports it.
export function importSideEffects(files: string[]): { threw: string } | { counts: Record<string, number> };
