/**
 * Loads the SDK the way the page asks (`?build=source|esm|iife`), so the same demo exercises the TypeScript source
 * (dev default), the built ESM bundle and the `<script>` IIFE bundle. The built files come from
 * `packages/sdk/dist`, which the dev server builds on the first request when it is missing or stale (see the root
 * vite.config.ts).
 */
import type * as SavantsVoiceModule from '@savants/voice';

export type Sdk = typeof SavantsVoiceModule;
export type BuildKind = 'source' | 'esm' | 'iife';

declare global {
  interface Window {
    /** The SDK module, exposed with `?debug` (and always for the IIFE build, which defines it itself). */
    SavantsVoice?: Sdk;
  }
}

/** `/@fs/<repo>/packages/sdk/dist`: set by the root vite.config.ts. */
const DIST = import.meta.env.VITE_SDK_DIST_URL ?? '/@fs/packages/sdk/dist';

export function buildFromQuery(params: URLSearchParams): BuildKind {
  const build = params.get('build');
  return build === 'esm' || build === 'iife' ? build : 'source';
}

export async function loadSdk(build: BuildKind): Promise<Sdk> {
  if (build === 'source') return import('@savants/voice');
  if (build === 'esm') return import(/* @vite-ignore */ `${DIST}/index.js`) as Promise<Sdk>;
  await loadClassicScript(`${DIST}/savants-voice.iife.js`);
  if (!window.SavantsVoice) throw new Error('savants-voice.iife.js loaded but defined no window.SavantsVoice');
  return window.SavantsVoice;
}

function loadClassicScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${src} (did you run pnpm build?)`));
    document.head.append(script);
  });
}
