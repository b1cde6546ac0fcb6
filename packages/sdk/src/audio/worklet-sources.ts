/**
 * The bundled source of the worklet module (both processors). Only `worklet-loader.ts` imports this module, and only
 * dynamically, at the first `connect()`: the ESM build emits it as a chunk of its own, so a page does not download or
 * parse the worklet code before a call; the IIFE build inlines it and stays one self-contained file.
 * @module
 */
import source from '../../../../worklets/voice.worklet.ts?worklet-inline';

export const WORKLET_SOURCE: string = source;
