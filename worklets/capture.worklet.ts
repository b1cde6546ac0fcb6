/**
 * Capture AudioWorkletProcessor: microphone at the context rate → mono → 16 kHz → Int16 LE wire frames,
 * transferred to the main thread; level and voice-activity messages at `levelIntervalMs`.
 *
 * A thin shell over `dsp/`. Everything is built in the constructor; `process()` allocates nothing in steady
 * state: frames go out in buffers from a pool that the main thread refills with `recycle`, and the message
 * objects are reused (postMessage clones them synchronously). Only an empty pool makes it allocate a buffer,
 * counted in `allocatedBuffers`.
 */
import {
  CAPTURE_PROCESSOR,
  type CaptureCommand,
  type CaptureEvent,
  type CaptureOptions,
} from '../packages/sdk/src/audio/worklet-messages.ts';
import { FrameAssembler } from '../packages/sdk/src/dsp/frame-assembler.ts';
import { LevelMeter } from '../packages/sdk/src/dsp/level-meter.ts';
import { Resampler } from '../packages/sdk/src/dsp/resampler.ts';
import { VoiceActivityDetector } from '../packages/sdk/src/dsp/voice-activity.ts';

const WIRE_RATE = 16_000;
/** Frames handled per step; a render quantum is 128 today, longer ones are taken in slices of this. */
const SLICE = 128;
/** Buffers made up front: 8 frames of slack (160 ms at 20 ms) before the main thread must hand one back. */
const INITIAL_POOL = 8;
/** Buffers kept at most; more returned ones are left to the garbage collector. */
const MAX_POOL = 32;
/** The input of a node with no input at all: one shared empty list, so `process()` builds none. */
const NO_CHANNELS: Float32Array[] = [];

type FrameEvent = Extract<CaptureEvent, { type: 'frame' }>;
type LevelEvent = Extract<CaptureEvent, { type: 'level' }>;

class CaptureProcessor extends AudioWorkletProcessor {
  readonly #resampler: Resampler;
  readonly #assembler: FrameAssembler;
  readonly #meter: LevelMeter;
  /** At its default rate: 16 kHz, the wire's. */
  readonly #voice = new VoiceActivityDetector();
  readonly #mono = new Float32Array(SLICE);
  readonly #wire: Float32Array;
  readonly #pool: Uint8Array[] = [];
  #poolCount = 0;
  #muted: boolean;
  /** Context time of the first input sample, set by the first `process()` with input channels. */
  #startTime = -1;
  /** 16 kHz samples produced so far. */
  #wireSamples = 0;
  /**
   * Frame buffers allocated because the pool was empty (the main thread fell behind in recycling). The message
   * contract has no field for it yet; the Node allocation probe reads it.
   */
  allocatedBuffers = 0;

  readonly #frameMessage: FrameEvent = { type: 'frame', pcm: new ArrayBuffer(0), endTime: 0 };
  readonly #transfer: ArrayBuffer[] = [this.#frameMessage.pcm];
  readonly #levelMessage: LevelEvent = {
    type: 'level',
    level: { rmsDb: Number.NEGATIVE_INFINITY, peakDb: Number.NEGATIVE_INFINITY },
    speaking: false,
  };

  constructor(options?: { processorOptions?: unknown }) {
    super(options);
    const o = options?.processorOptions as CaptureOptions;
    this.#resampler = new Resampler(sampleRate, WIRE_RATE);
    this.#wire = new Float32Array(this.#resampler.maxOutput(SLICE));
    this.#assembler = new FrameAssembler(o.frameSamples);
    // At most 100 level messages a second, whatever the options say.
    this.#meter = new LevelMeter(Math.max(WIRE_RATE / 100, Math.round((o.levelIntervalMs * WIRE_RATE) / 1000)));
    this.#muted = o.muted;
    this.#pool.length = MAX_POOL;
    for (let i = 0; i < INITIAL_POOL; i++) this.#pool[this.#poolCount++] = new Uint8Array(this.#assembler.frameBytes);
    this.port.onmessage = this.#onCommand;
  }

  process(inputs: Float32Array[][]): boolean {
    const channels = inputs[0] ?? NO_CHANNELS;
    const first = channels[0];
    // An input with no channels is not audio. Before the microphone is wired it is skipped: sent as silence it
    // would only delay the user's first words at the server. Once the microphone has delivered, the stream goes on
    // at real-time pace, as silence, while it has none (lost, and being replaced): the server expects a
    // continuous stream, and it keeps the socket active.
    if (!first && this.#startTime < 0) return true;
    const frames = first ? first.length : SLICE;
    if (this.#startTime < 0) this.#startTime = currentTime;
    for (let offset = 0; offset < frames; offset += SLICE) {
      const n = Math.min(SLICE, frames - offset);
      this.#mixDown(channels, offset, n);
      const produced = this.#resampler.process(this.#mono, this.#wire, n);
      this.#deliver(produced);
    }
    return true;
  }

  /** Averages the channels (or writes silence when muted or unconnected) into #mono[0, n). */
  #mixDown(channels: Float32Array[], offset: number, n: number): void {
    const count = this.#muted ? 0 : channels.length;
    const scale = count > 0 ? 1 / count : 0;
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let c = 0; c < count; c++) sum += channels[c]![offset + i]!;
      this.#mono[i] = sum * scale;
    }
  }

  /** Meters the new 16 kHz samples and cuts them into frames. */
  #deliver(count: number): void {
    const wire = this.#wire;
    this.#voice.push(wire, 0, count);
    if (this.#meter.push(wire, 0, count)) {
      const message = this.#levelMessage;
      message.level.rmsDb = this.#meter.rmsDb;
      message.level.peakDb = this.#meter.peakDb;
      message.speaking = this.#voice.speaking;
      this.port.postMessage(message);
    }
    let used = 0;
    while (used < count) {
      const taken = this.#assembler.push(wire, used, count - used);
      used += taken;
      this.#wireSamples += taken;
      if (this.#assembler.frameReady) this.#sendFrame();
    }
  }

  #sendFrame(): void {
    let view: Uint8Array;
    if (this.#poolCount > 0) {
      view = this.#pool[--this.#poolCount]!;
    } else {
      view = new Uint8Array(this.#assembler.frameBytes);
      this.allocatedBuffers++;
    }
    this.#assembler.takeFrame(view);
    // Output sample m stands for input time m / 16000 − delay; the frame's last sample is #wireSamples − 1.
    const message = this.#frameMessage;
    message.pcm = view.buffer as ArrayBuffer;
    message.endTime = this.#startTime + (this.#wireSamples - 1) / WIRE_RATE - this.#resampler.delaySeconds;
    this.#transfer[0] = message.pcm;
    this.port.postMessage(message, this.#transfer);
  }

  // Our own node is the only sender, so commands are trusted; still, nothing here may throw.
  readonly #onCommand = (event: { data: unknown }): void => {
    const command = event.data as CaptureCommand | null;
    if (typeof command !== 'object' || command === null) return;
    if (command.type === 'mute') {
      this.#muted = command.muted === true;
    } else if (command.type === 'recycle') {
      const pcm = command.pcm;
      if (pcm instanceof ArrayBuffer && pcm.byteLength === this.#assembler.frameBytes && this.#poolCount < MAX_POOL) {
        this.#pool[this.#poolCount++] = new Uint8Array(pcm);
      }
    }
  };
}

registerProcessor(CAPTURE_PROCESSOR, CaptureProcessor);
