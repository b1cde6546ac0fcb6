/**
 * The call machinery `VoiceClient.connect()` imports on first use: the call, the transport and, through them, the
 * audio graph, the protocol schemas and zod. The ESM build makes it a chunk of its own, so a page does not parse it
 * before the first call; the IIFE inlines it.
 * @module
 */
export { preloadInlinedWorklets } from '../audio/worklet-loader.ts';
export { VoiceSocket } from '../transport/voice-socket.ts';
export { Call } from './call.ts';
