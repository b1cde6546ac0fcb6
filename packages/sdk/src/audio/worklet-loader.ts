/**
 * Loads the two AudioWorklet modules into a context, once per context. By default from Blob URLs of the bundled
 * worklets inlined in the SDK, so a script tag needs no second file; with `workletBaseUrl`, from self-hosted copies
 * of `dist/worklets/*.worklet.js` instead, for pages whose Content-Security-Policy does not allow `blob:` scripts.
 * @module
 */
import captureWorkletCode from '../../../../worklets/capture.worklet.ts?worklet-inline';
import playbackWorkletCode from '../../../../worklets/playback.worklet.ts?worklet-inline';
import { VoiceError } from '../errors.ts';

/** File names of the self-hosted worklets, as the build writes them to `dist/worklets/`. */
export const WORKLET_FILES = { capture: 'capture.worklet.js', playback: 'playback.worklet.js' } as const;

/** One load per context: `addModule` twice would fail on the second `registerProcessor` of the same name. */
const loads = new WeakMap<BaseAudioContext, Promise<void>>();

/**
 * Resolves once both processors are registered in `context`. A failed load is forgotten, so a later call (after
 * fixing a CSP, say) tries again. Rejects with WORKLET_LOAD_FAILED.
 */
export function loadWorklets(context: BaseAudioContext, workletBaseUrl?: string): Promise<void> {
  let load = loads.get(context);
  if (!load) {
    load = addModules(context, workletBaseUrl);
    loads.set(context, load);
    load.catch(() => loads.delete(context));
  }
  return load;
}

async function addModules(context: BaseAudioContext, workletBaseUrl: string | undefined): Promise<void> {
  const sources = workletBaseUrl
    ? { urls: [joinUrl(workletBaseUrl, WORKLET_FILES.capture), joinUrl(workletBaseUrl, WORKLET_FILES.playback)], revoke: false }
    : { urls: [blobUrl(captureWorkletCode), blobUrl(playbackWorkletCode)], revoke: true };
  try {
    await Promise.all(sources.urls.map((url) => context.audioWorklet.addModule(url)));
  } catch (cause) {
    // Chromium reports a CSP refusal as an opaque AbortError; say what usually causes it.
    const hint = workletBaseUrl
      ? `check that ${sources.urls.join(' and ')} are served`
      : "the page's Content-Security-Policy may forbid blob: scripts; serve dist/worklets/ and set workletBaseUrl";
    throw new VoiceError('WORKLET_LOAD_FAILED', `The audio worklets could not be loaded (${String(cause)}): ${hint}.`, {
      cause,
    });
  } finally {
    if (sources.revoke) for (const url of sources.urls) URL.revokeObjectURL(url);
  }
}

function blobUrl(code: string): string {
  return URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
}

/** Joins a base URL (absolute or page-relative, with or without a trailing slash) and a file name. */
function joinUrl(base: string, file: string): string {
  return `${base.replace(/\/+$/, '')}/${file}`;
}
