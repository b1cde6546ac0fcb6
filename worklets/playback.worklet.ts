/**
 * Playback AudioWorkletProcessor: agent audio (16 kHz Int16, transferred) → jitter buffer → 16 kHz → context-rate
 * resampler → smoothed volume → every output channel; `speaking`, `stats` and `level` messages for the node.
 *
 * A thin shell over `dsp/`. Output-driven: each `process()` tops up a small context-rate FIFO by pulling the
 * jitter buffer in fixed 1 ms steps (16 samples) through the resampler, then plays 128 frames from it. A flush
 * fades the output itself (after the resampler, whose 3 ms delay would otherwise add to the fade) to silence
 * within 4 ms of the next quantum.
 *
 * Clock: the buffer runs on whole ms since this processor was built, counted by its own pulls (each pull is 1 ms
 * of 16 kHz audio, and the resampler's ratio is exact, so the count is the context clock of the audio being
 * pulled); arrivals are stamped on the same clock from `currentTime` (never `Date`). Whole ms keep the pull's
 * time argument a small integer: V8 would box (allocate) a fractional one on every call.
 *
 * Real-time rules: everything is built in the constructor; `process()` allocates nothing, builds no strings,
 * validates nothing, and posts only on state changes (`speaking`) and at `levelIntervalMs` (at most 30 Hz).
 * `onmessage` makes one Int16Array view per audio message (the message itself was just allocated by the clone).
 */
import {
  PLAYBACK_PROCESSOR,
  type PlaybackCommand,
  type PlaybackEvent,
  type PlaybackOptions,
  type PlaybackStats,
} from '../packages/sdk/src/audio/worklet-messages.ts';
import { JitterBuffer } from '../packages/sdk/src/dsp/jitter-buffer.ts';
import { JITTER_BUFFER_RATE } from '../packages/sdk/src/dsp/jitter-buffer-options.ts';
import { Resampler } from '../packages/sdk/src/dsp/resampler.ts';

/** 16 kHz samples pulled from the buffer per step: 1 ms. */
const STEP = 16;
/** Render quanta are 128 frames today; the FIFO holds more in case a browser asks for longer ones. */
const FIFO_FRAMES = 4096;
/** Fastest `level`/`stats` rate: about 30 Hz (a whole number of ms, shorter in the bundle than 1000 / 30). */
const MIN_INTERVAL_MS = 34;
/** The output fade on a flush, applied after the resampler so its 3 ms delay does not lengthen it. */
const FLUSH_FADE_SECONDS = 0.004;
/** Time constant of the volume smoothing: fast enough to feel instant, slow enough to make no zipper noise. */
const VOLUME_SMOOTHING_SECONDS = 0.005;

type SpeakingEvent = Extract<PlaybackEvent, { type: 'speaking' }>;
type FlushedEvent = Extract<PlaybackEvent, { type: 'flushed' }>;
type LevelEvent = Extract<PlaybackEvent, { type: 'level' }>;
type StatsEvent = Extract<PlaybackEvent, { type: 'stats' }>;

class PlaybackProcessor extends AudioWorkletProcessor {
  readonly #buffer: JitterBuffer;
  readonly #resampler: Resampler;
  readonly #pulled = new Float32Array(STEP);
  readonly #resampled: Float32Array;
  /** Resampled output not played yet, from index 0 (what a quantum leaves, under 1 ms, moves to the front). */
  readonly #fifo = new Float32Array(FIFO_FRAMES);
  #fifoCount = 0;
  // Output level over the current interval, accumulated in #play. Not `LevelMeter`: its window-closing call runs
  // only a few times a second, so V8 leaves it unoptimised and it boxes its results; folded into process() (hot,
  // optimised as a whole) the same sums allocate nothing.
  #sumSquares = 0;
  #peak = 0;
  /** Frames in those sums: an interval give or take a quantum (the quantum that ends one is counted in it). */
  #meteredFrames = 0;
  readonly #smoothing: number;
  // Numeric fields written in process() start as numbers: a field declared bare starts as undefined, V8 then
  // stores it tagged, and every fractional value written to it is a fresh heap number (an allocation).
  #volume = 0;
  #gain = 0;
  readonly #statsIntervalFrames: number;
  #framesToStats: number;
  /** `currentTime` when built: 0 on the buffer's clock. */
  readonly #originTime: number;
  /** The buffer's clock at the next pull, in ms; -1 until the first `process()`. */
  #clockMs = -1;
  #speaking = false;
  readonly #flushFadeFrames: number;
  /** Output frames left in a flush's fade; -1 when not flushing. */
  #flushFramesLeft = -1;
  /** The buffer's play position where the flushed audio ends. */
  #flushEnd = 0;

  /**
   * Given its fields by the buffer's first `readStats`, in the constructor, in the order every later one writes them
   * (small integers over small integers: nothing allocated in `process()`); no zeroed template to ship in the module.
   */
  readonly #stats = {} as PlaybackStats;
  readonly #statsMessage: StatsEvent = { type: 'stats', stats: this.#stats };
  readonly #speakingMessage: SpeakingEvent = { type: 'speaking', speaking: false, playedSamples: 0 };
  readonly #flushedMessage: FlushedEvent = { type: 'flushed', id: 0, playedSamples: 0, droppedSamples: 0 };
  readonly #levelMessage: LevelEvent = { type: 'level', level: { rmsDb: Number.NEGATIVE_INFINITY, peakDb: Number.NEGATIVE_INFINITY } };

  constructor(options?: { processorOptions?: unknown }) {
    super(options);
    const o = options?.processorOptions as PlaybackOptions;
    this.#buffer = new JitterBuffer();
    this.#buffer.readStats(this.#stats);
    this.#resampler = new Resampler(JITTER_BUFFER_RATE, sampleRate);
    this.#resampled = new Float32Array(this.#resampler.maxOutput(STEP));
    const intervalMs = Math.max(MIN_INTERVAL_MS, o.levelIntervalMs);
    this.#statsIntervalFrames = Math.round((intervalMs * sampleRate) / 1000);
    this.#framesToStats = this.#statsIntervalFrames;
    this.#smoothing = 1 - Math.exp(-1 / (VOLUME_SMOOTHING_SECONDS * sampleRate));
    // The volume (here and in `volume` commands) was checked on the main thread: 0…1 (`checkVolume`).
    this.#volume = this.#gain = o.volume;
    this.#originTime = currentTime;
    this.#flushFadeFrames = Math.max(1, Math.round(FLUSH_FADE_SECONDS * sampleRate));
    this.port.onmessage = this.#onCommand;
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const channels = outputs[0];
    const first = channels?.[0];
    if (!first) return true;
    const frames = first.length;
    if (this.#clockMs < 0) this.#clockMs = Math.round((currentTime - this.#originTime) * 1000);
    this.#fill(frames);
    this.#play(first, frames);
    if (this.#flushFramesLeft === 0) {
      // The flush's output fade is over: what the FIFO and the resampler still hold of the flushed audio is
      // dropped, so the next reply starts from silence (the buffer keeps one fade length of silence after a flush,
      // so none of the next reply has been pulled yet; the check is a guard).
      this.#flushFramesLeft = -1;
      if (this.#buffer.playedSamples <= this.#flushEnd) {
        this.#resampler.reset();
        this.#fifoCount = 0;
      }
    }
    for (let c = 1; c < channels!.length; c++) channels![c]!.set(first);

    if (this.#buffer.speaking !== this.#speaking) {
      this.#speaking = this.#buffer.speaking;
      this.#speakingMessage.speaking = this.#speaking;
      // Where it changed, not where this quantum ended: interrupt() counts the heard turn from a rise.
      this.#speakingMessage.playedSamples = this.#buffer.speakingSince;
      this.port.postMessage(this.#speakingMessage);
    }
    this.#meteredFrames += frames;
    this.#framesToStats -= frames;
    if (this.#framesToStats <= 0) {
      const level = this.#levelMessage.level;
      // dBFS as in `toDbfs`, written out so no call returns a double.
      level.rmsDb = 20 * Math.log10(Math.sqrt(this.#sumSquares / this.#meteredFrames));
      level.peakDb = 20 * Math.log10(this.#peak);
      this.#sumSquares = 0;
      this.#peak = 0;
      this.#meteredFrames = 0;
      this.#framesToStats += this.#statsIntervalFrames;
      this.port.postMessage(this.#levelMessage);
      this.#buffer.readStats(this.#stats);
      this.port.postMessage(this.#statsMessage);
    }
    return true;
  }

  /** Pulls the buffer in 1 ms steps through the resampler until the FIFO holds `frames`. */
  #fill(frames: number): void {
    const fifo = this.#fifo;
    while (this.#fifoCount < frames) {
      this.#buffer.pull(this.#pulled, STEP, this.#clockMs++);
      const produced = this.#resampler.process(this.#pulled, this.#resampled, STEP);
      for (let i = 0; i < produced; i++) fifo[this.#fifoCount + i] = this.#resampled[i]!;
      this.#fifoCount += produced;
    }
  }

  /**
   * Takes `frames` from the FIFO into `out`, with the volume ramped one pole towards its target and a flush's
   * fade; meters them. One loop, so the rare flush runs in the same optimised code as every quantum (a separate
   * rarely-called method would run unoptimised and box its doubles).
   */
  #play(out: Float32Array, frames: number): void {
    const fifo = this.#fifo;
    const volume = this.#volume;
    const smoothing = this.#smoothing;
    let gain = this.#gain;
    let sumSquares = this.#sumSquares;
    let peak = this.#peak;
    let flushLeft = this.#flushFramesLeft;
    const flushFrames = this.#flushFadeFrames;
    for (let i = 0; i < frames; i++) {
      gain += (volume - gain) * smoothing;
      let y = fifo[i]! * gain;
      // A flush: a linear fade to 0 on the output (after the resampler, so its 3 ms delay adds nothing), then 0.
      if (flushLeft >= 0) y = flushLeft > 0 ? (y * --flushLeft) / flushFrames : 0;
      out[i] = y;
      sumSquares += y * y;
      const magnitude = y < 0 ? -y : y;
      if (magnitude > peak) peak = magnitude;
    }
    this.#sumSquares = sumSquares;
    this.#peak = peak;
    this.#flushFramesLeft = flushLeft;
    this.#gain = gain;
    this.#fifoCount -= frames;
    fifo.copyWithin(0, frames, frames + this.#fifoCount);
  }

  // Our own node is the only sender, so commands are trusted; still, nothing here may throw.
  readonly #onCommand = (event: { data: unknown }): void => {
    const command = event.data as PlaybackCommand | null;
    if (typeof command !== 'object' || command === null) return;
    switch (command.type) {
      case 'audio': {
        const pcm = command.pcm;
        if (pcm instanceof ArrayBuffer && pcm.byteLength >= 2) {
          this.#buffer.push(new Int16Array(pcm, 0, pcm.byteLength >> 1), (currentTime - this.#originTime) * 1000);
        }
        break;
      }
      case 'flush': {
        const message = this.#flushedMessage;
        message.id = command.id;
        message.droppedSamples = this.#buffer.flush();
        // The buffer's fade tail left in the queue still plays (under the output fade): the position includes it.
        message.playedSamples = this.#buffer.playedSamples + this.#buffer.queuedSamples;
        this.#flushEnd = message.playedSamples;
        this.#flushFramesLeft = this.#flushFadeFrames;
        this.port.postMessage(message);
        break;
      }
      case 'volume':
        this.#volume = command.volume;
        break;
    }
  };
}

registerProcessor(PLAYBACK_PROCESSOR, PlaybackProcessor);
