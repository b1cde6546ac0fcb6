/**
 * Creating the AudioContext, on its own so `connect()` can do it synchronously inside the caller's gesture without
 * importing the rest of the audio code (the call machinery comes later, with an await that ends the gesture).
 * @module
 */
import { VoiceError } from '../errors.ts';

/**
 * Creates the AudioContext at the output device's native rate and asks it to run. Call it inside the user's
 * gesture: created (and resumed) there, the autoplay policies of Chromium and Safari let it start; after an await
 * they may not. Throws UNSUPPORTED_BROWSER without Web Audio worklets, AUDIO_CONTEXT_FAILED if it fails.
 */
export function createAudioContext(latencyHint: AudioContextLatencyCategory | number): AudioContext {
  if (typeof AudioContext === 'undefined' || typeof AudioWorkletNode === 'undefined') {
    throw new VoiceError('UNSUPPORTED_BROWSER', 'This browser has no AudioContext with AudioWorklet support.');
  }
  let context: AudioContext;
  try {
    context = new AudioContext({ latencyHint });
  } catch (cause) {
    throw new VoiceError('AUDIO_CONTEXT_FAILED', `The AudioContext could not be created: ${String(cause)}`, { cause });
  }
  // Safari may create it suspended even inside a gesture; resume() there, synchronously, is what it allows. Its
  // promise is not awaited: without activation Chromium leaves it pending for ever (the keeper times the wait).
  if (context.state !== 'running') context.resume().catch(() => undefined);
  return context;
}
