/**
 * Constants written as their values in a minified bundle. Rolldown's `inlineConst` option inlines exported
 * constants only, and the minifier keeps a module's own `const SLICE = 128` as a variable, so a constant costs a
 * declaration and a name at every use. The plugin exports every module-level `const` (a top-level declaration starts
 * a line), so `inlineConst` writes each value where it is used and folds the arithmetic (`SAMPLES_PER_MS`,
 * `HOLD + FADE`…): about 200 B less min+gzip for the worklet module, 75 B for the IIFE's own code. The entry is left
 * alone: its exports would stay in the bundle; those of the other modules leave no trace. Only for closed bundles
 * (the worklet module, the IIFE): the ESM build keeps its modules' exports as written.
 */
import type { Plugin } from 'vite';

/** The rolldown option to pair with the plugin: every constant, two passes (constants defined from constants). */
export const INLINE_CONSTANTS = { inlineConst: { mode: 'all', pass: 2 } } as const;

export function exportModuleConstants(): Plugin {
  return {
    name: 'savants-export-module-constants',
    transform(code, id) {
      if (!id.endsWith('.ts') || !/^const /m.test(code) || this.getModuleInfo(id)?.isEntry) return null;
      return { code: code.replace(/^const /gm, 'export const '), map: null };
    },
  };
}
