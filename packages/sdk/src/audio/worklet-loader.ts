/**
 * Loads the AudioWorklet module (one module registers both processors) into a context, once per context. By default
 * from a `data:` URL of the bundled worklet source, which the ESM build imports from a chunk of its own at the first
 * call (the IIFE carries it inline), so a page needs no second file and no configuration; with `workletBaseUrl`, from
 * a self-hosted copy of `dist/worklets/voice.worklet.js` instead, for pages whose Content-Security-Policy allows only
 * `'self'` scripts.
 *
 * Why `data:` and not Blob URLs: in WebKit (WebKitGTK 2.50, the engine Safari is built on) `addModule()` of a Blob
 * URL sometimes never settles and the page's web process freezes, with no error, on the first call of a page as
 * well as on later ones, whether the Blob URL is revoked, kept, or made once per page. `data:` URLs of the same
 * source never froze there, and load as well as Blob URLs in Chromium and Firefox (measured: README, section
 * "Content-Security-Policy and cross-origin isolation").
 * @module
 */
import { VoiceError } from '../errors.ts';

/** File name of the self-hosted worklet module, as the build writes it to `dist/worklets/`. */
export const WORKLET_FILE = 'voice.worklet.js';

/**
 * How long `addModule` may take before the load counts as failed. WebKitGTK can leave it pending for ever (Blob URLs
 * often; the default `data:` URL not in any run so far: a first start-up that once looked stuck was the test's dev
 * server transforming the worklet chunk, 2-5 s): without a bound the call would wait for ever instead of failing. A
 * healthy load takes 5–300 ms, 2 s under heavy load.
 */
export const WORKLET_LOAD_TIMEOUT_MS = 10_000;

/** One load per context: `addModule` twice would fail on the second `registerProcessor` of the same name. */
const loads = new WeakMap<BaseAudioContext, Promise<void>>();

/** The default URL, made once per page (the chunk's import and the encoding are not repeated per call). */
let inlinedUrl: Promise<string> | undefined;

/**
 * Resolves once both processors are registered in `context`. A failed load is forgotten, so a later call (after
 * fixing a CSP or the network, say) tries again. Rejects with WORKLET_LOAD_FAILED, also when `addModule` has not
 * settled within `timeoutMs`.
 */
export function loadWorklets(context: BaseAudioContext, workletBaseUrl?: string, timeoutMs = WORKLET_LOAD_TIMEOUT_MS): Promise<void> {
  let load = loads.get(context);
  if (!load) {
    load = addModules(context, workletBaseUrl, timeoutMs);
    loads.set(context, load);
    load.catch(() => loads.delete(context));
  }
  return load;
}

async function addModules(context: BaseAudioContext, workletBaseUrl: string | undefined, timeoutMs: number): Promise<void> {
  const selfHosted = workletBaseUrl ? joinUrl(workletBaseUrl, WORKLET_FILE) : undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const url = selfHosted ?? (await inlinedWorkletUrl());
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([context.audioWorklet.addModule(url), timeout]);
  } catch (cause) {
    // Chromium reports a CSP refusal as an opaque AbortError; say what usually causes it.
    const hint = selfHosted
      ? `check that ${selfHosted} is served`
      : "the page's Content-Security-Policy may forbid data: scripts (or the worklet chunk could not be fetched); serve dist/worklets/ and set workletBaseUrl";
    throw new VoiceError('WORKLET_LOAD_FAILED', `The audio worklets could not be loaded (${String(cause)}): ${hint}.`, {
      cause,
    });
  } finally {
    clearTimeout(timer);
  }
}

/** Fetches the inlined worklet source ahead of the first call (`VoiceClient.preload()`); a failure is left to the call. */
export function preloadInlinedWorklets(): Promise<void> {
  return inlinedWorkletUrl().then(
    () => {},
    () => {},
  );
}

function inlinedWorkletUrl(): Promise<string> {
  inlinedUrl ??= import('./worklet-sources.ts').then(({ WORKLET_SOURCE }) => dataUrl(WORKLET_SOURCE));
  // A failed chunk fetch (offline for a moment) is not cached: the next call imports again.
  inlinedUrl.catch(() => {
    inlinedUrl = undefined;
  });
  return inlinedUrl;
}

/** Percent-encoded rather than base64: `btoa` throws on the non-Latin-1 characters a bundle may contain. */
function dataUrl(code: string): string {
  return `data:text/javascript;charset=utf-8,${encodeURIComponent(code)}`;
}

/** Joins a base URL (absolute or page-relative, with or without a trailing slash) and a file name. */
function joinUrl(base: string, file: string): string {
  return `${base.replace(/\/+$/, '')}/${file}`;
}
