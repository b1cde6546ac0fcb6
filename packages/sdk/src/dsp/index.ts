/**
 * `@savants/voice/dsp`: pure, DOM-free audio code. Runs in Node, workers and AudioWorkletGlobalScope.
 * Constructors allocate; the per-block methods of every class here allocate nothing.
 * @module @savants/voice/dsp
 */
export { DEFAULT_FRAME_SAMPLES, FrameAssembler, MAX_FRAME_SAMPLES, MIN_FRAME_SAMPLES } from './frame-assembler.ts';
export { JitterBuffer } from './jitter-buffer.ts';
export {
  JITTER_BUFFER_DEFAULTS,
  JITTER_BUFFER_RATE,
  type JitterBufferOptions,
  type JitterBufferStats,
  zeroJitterStats,
} from './jitter-buffer-options.ts';
export { LevelMeter, toDbfs } from './level-meter.ts';
export { decodeInt16, decodeInt16Le, encodeInt16, encodeInt16Le, floatToInt16, INT16_SCALE, int16ToFloat } from './pcm.ts';
export { PcmDecoder } from './pcm-decoder.ts';
export { Resampler } from './resampler.ts';
export { VOICE_ACTIVITY_DEFAULTS, VoiceActivityDetector, type VoiceActivityOptions } from './voice-activity.ts';
