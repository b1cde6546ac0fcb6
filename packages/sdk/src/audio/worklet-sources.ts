/**
 * The two worklets' bundled source text. Only `worklet-loader.ts` imports this module, and only dynamically, at the
 * first `connect()`: the ESM build emits it as a chunk of its own, so a page does not download or parse ~6 kB of
 * worklet code before a call; the IIFE build inlines it and stays one self-contained file.
 * @module
 */
import capture from '../../../../worklets/capture.worklet.ts?worklet-inline';
import playback from '../../../../worklets/playback.worklet.ts?worklet-inline';

export const WORKLET_SOURCES = { capture, playback } as const;
