/**
 * Seeded traces for the jitter-buffer benchmark and tests: synthetic agent speech, how a server sends it (pacing,
 * chunk sizes, its clock) and when each chunk arrives (the network model of the reference server's `--shape`).
 *
 * - Speech: turns of 1–3 sentences (1.5–6 s each, 250–600 ms pauses between them inside the audio), made of
 *   voiced syllables (80–300 ms, f0 100–220 Hz, 8 harmonics, peak ≈ 0.5) separated by 30–120 ms of near-silence.
 *   No sample is ever exactly 0 (silence is ±1 LSB), so a 0 at the output is always something the player made.
 *   Between turns the user talks for 1.5–5 s and nothing is sent.
 * - Pacing `realtime`: one chunk size per turn, log-uniform in 10–500 ms; each chunk leaves as soon as its last
 *   sample has been generated, at real time on the sender's clock.
 * - Pacing `tts-speed`: the same, but each turn is generated at one speed drawn from 0.9–1.1× real time, so a
 *   slow turn falls further behind with every second (cumulative lateness that no start delay learned from
 *   jitter covers).
 * - Pacing `bursts`: each sentence is synthesised at 3–6× real time after a 100–300 ms think and sent whole (in
 *   chunks of ≤ 500 ms, all at once) as soon as it is ready.
 * - Pacing `tts-chunks`: a TTS engine streaming as it generates: every chunk has its own length, log-uniform in
 *   10–500 ms and an odd number of bytes (a sample is split between two messages and completes with the next),
 *   each sent when its last byte is generated at real time.
 * - Pacing `tts-slow`: the same chunks, generated at one speed per turn drawn from 0.9–1.1× real time, with
 *   generation pauses of 80–400 ms (on average one per 1.5 s of audio).
 * - Clocks: the sender's runs `clockPpm` fast (negative: slow) against the receiver's.
 * @module
 */
import {
  createNetworkModelFromProfile,
  createRandom,
  NETWORK_PROFILES,
  type NetworkProfile,
  type ShapeName,
} from '../packages/server/src/network-model.ts';

const RATE = 16_000;
const PER_MS = RATE / 1000;

export type Pacing = 'realtime' | 'tts-speed' | 'bursts' | 'tts-chunks' | 'tts-slow';

export interface TraceSpec {
  name: string;
  network: ShapeName | NetworkProfile;
  pacing: Pacing;
  /** Length of the conversation (speech and the user's turns), minutes. */
  minutes: number;
  seed: number;
  /** Sender clock error, parts per million. */
  clockPpm: number;
  /** One long turn (a monologue) instead of a conversation: the drift test. */
  monologue?: boolean;
  /** Fixed chunk length in ms instead of a random one per turn. */
  chunkMs?: number;
}

export interface TraceChunk {
  /** Send time on the receiver's clock, ms. */
  sendMs: number;
  arrivalMs: number;
  /** First sample in `Trace.source`, and length. */
  start: number;
  length: number;
}

export interface Trace {
  spec: TraceSpec;
  /** All turns' audio, back to back. */
  source: Int16Array;
  /** [start, end) of each turn in `source`. */
  turns: Array<{ start: number; end: number }>;
  chunks: TraceChunk[];
  /** Time by which everything has arrived and could have played, ms. */
  endMs: number;
}

export function generateTrace(spec: TraceSpec): Trace {
  const random = createRandom(spec.seed, 0x3c6ef372);
  const uniform = (min: number, max: number) => min + (max - min) * random();
  const network = createNetworkModelFromProfile(
    typeof spec.network === 'string' ? NETWORK_PROFILES[spec.network] : spec.network,
    spec.seed,
  );
  const clock = 1 / (1 + spec.clockPpm * 1e-6);
  const totalMs = spec.minutes * 60_000;

  const pieces: Int16Array[] = [];
  const turns: Trace['turns'] = [];
  const chunks: TraceChunk[] = [];
  let sourceLength = 0;
  let senderMs = 1000; // sender clock: when the next turn starts being generated
  let lastArrival = 0;

  while (senderMs < totalMs) {
    const sentences: Int16Array[] = [];
    if (spec.monologue) {
      for (let t = 0; t < totalMs - senderMs; ) {
        const s = synthesiseSentence(random, uniform(1.5, 6), uniform(0.25, 0.6));
        sentences.push(s);
        t += s.length / PER_MS;
      }
    } else {
      const count = 1 + Math.floor(random() * 3);
      for (let k = 0; k < count; k++)
        sentences.push(synthesiseSentence(random, uniform(1.5, 6), k < count - 1 ? uniform(0.25, 0.6) : 0.05));
    }
    const turnStart = sourceLength;
    for (const s of sentences) {
      pieces.push(s);
      sourceLength += s.length;
    }
    turns.push({ start: turnStart, end: sourceLength });
    const turnLength = sourceLength - turnStart;

    const send = (senderTime: number, start: number, length: number) => {
      const sendMs = senderTime * clock;
      const arrivalMs = network.deliver(sendMs, length * 2);
      chunks.push({ sendMs, arrivalMs, start, length });
      lastArrival = arrivalMs;
    };

    if (spec.pacing === 'bursts') {
      let ready = senderMs;
      let offset = turnStart;
      for (const s of sentences) {
        ready += uniform(100, 300) + s.length / PER_MS / uniform(3, 6);
        for (let at = 0; at < s.length; at += 500 * PER_MS) send(ready, offset + at, Math.min(500 * PER_MS, s.length - at));
        offset += s.length;
      }
    } else if (spec.pacing === 'tts-chunks' || spec.pacing === 'tts-slow') {
      const speed = spec.pacing === 'tts-slow' ? uniform(0.9, 1.1) : 1;
      let bytes = 0;
      let delivered = 0;
      let generatedMs = senderMs;
      while (delivered < turnLength) {
        const chunkMs = Math.exp(uniform(Math.log(10), Math.log(500)));
        // An odd byte count: the last sample's second byte comes with the next message (the SDK's PcmDecoder
        // carries it), so the samples a message completes are floor(bytes so far / 2) − samples before.
        bytes = Math.min(2 * turnLength, bytes + (Math.round(chunkMs * PER_MS * 2) | 1));
        const upTo = Math.floor(bytes / 2);
        generatedMs += (upTo - delivered) / PER_MS / speed;
        if (spec.pacing === 'tts-slow' && random() < chunkMs / 1500) generatedMs += uniform(80, 400);
        if (upTo > delivered) send(generatedMs, turnStart + delivered, upTo - delivered);
        delivered = upTo;
      }
    } else {
      const chunk = Math.round((spec.chunkMs ?? Math.exp(uniform(Math.log(10), Math.log(500)))) * PER_MS);
      const speed = spec.pacing === 'tts-speed' ? uniform(0.9, 1.1) : 1;
      for (let at = 0; at < turnLength; at += chunk) {
        const length = Math.min(chunk, turnLength - at);
        send(senderMs + (at + length) / PER_MS / speed, turnStart + at, length);
      }
    }
    // The user answers after the agent's audio has played out (on the sender's clock: real time).
    senderMs += turnLength / PER_MS + (spec.pacing === 'bursts' ? 300 : 0) + uniform(1500, 5000);
  }

  const source = new Int16Array(sourceLength);
  let offset = 0;
  for (const p of pieces) {
    source.set(p, offset);
    offset += p.length;
  }
  return { spec, source, turns, chunks, endMs: Math.max(lastArrival, senderMs * clock) + 2000 };
}

/** A continuous stream (the loopback agent's case): one turn that never pauses, silence included. */
export interface StreamSpec {
  name: string;
  minutes: number;
  seed: number;
  /** Every arrival due inside [atMs, atMs + lengthMs) is held to its end (a stall on an open connection). */
  stall?: { atMs: number; lengthMs: number };
  /** The `heldMs` of audio sent before `atMs` arrives at `atMs` at once (a reconnect that sends held audio). */
  backlog?: { atMs: number; heldMs: number };
  /**
   * Main-thread long tasks: every `everyMs` (±25 %) one of `minMs`–`maxMs`, during which no message reaches the
   * worklet; they all arrive when it ends (the page's main thread relays the socket's audio).
   */
  longTasks?: { everyMs: number; minMs: number; maxMs: number };
  /** Network profile instead of the LAN. */
  network?: NetworkProfile;
}

/**
 * A continuous stream: sentences (1.5–6 s) separated by 1–4 s of near-silence, sent as 20 ms frames at real time
 * (as the loopback agent returns the microphone) over the LAN model, with one stall or one backlog.
 */
export function generateStream(spec: StreamSpec): Trace {
  const random = createRandom(spec.seed, 0x5be0cd19);
  const network = createNetworkModelFromProfile(spec.network ?? NETWORK_PROFILES.lan, spec.seed);
  // Long tasks laid out over the whole stream, from their own generator (the speech stays the same per seed).
  const taskRandom = createRandom(spec.seed, 0x1f83d9ab);
  const tasks: Array<[number, number]> = [];
  if (spec.longTasks) {
    const { everyMs, minMs, maxMs } = spec.longTasks;
    for (let at = everyMs; at < spec.minutes * 60_000 + 10_000; at += everyMs * (0.75 + 0.5 * taskRandom())) {
      tasks.push([at, at + minMs + (maxMs - minMs) * taskRandom()]);
    }
  }
  const pieces: Int16Array[] = [];
  let length = 0;
  while (length < spec.minutes * 60 * RATE) {
    const s = synthesiseSentence(random, 1.5 + 4.5 * random(), 1 + 3 * random());
    pieces.push(s);
    length += s.length;
  }
  const source = new Int16Array(length);
  let offset = 0;
  for (const p of pieces) {
    source.set(p, offset);
    offset += p.length;
  }
  const frame = 20 * PER_MS;
  const chunks: TraceChunk[] = [];
  let previous = 0;
  for (let start = 0; start < length; start += frame) {
    const sendMs = (start + frame) / PER_MS;
    let arrivalMs = network.deliver(sendMs, frame * 2);
    const { stall, backlog } = spec;
    if (stall && arrivalMs >= stall.atMs && arrivalMs < stall.atMs + stall.lengthMs) arrivalMs = stall.atMs + stall.lengthMs;
    if (backlog && sendMs >= backlog.atMs - backlog.heldMs && sendMs < backlog.atMs) arrivalMs = Math.max(arrivalMs, backlog.atMs);
    for (const [from, to] of tasks) if (arrivalMs >= from && arrivalMs < to) arrivalMs = to;
    previous = Math.max(previous, arrivalMs);
    chunks.push({ sendMs, arrivalMs: previous, start, length: Math.min(frame, length - start) });
  }
  const spec_: TraceSpec = { name: spec.name, network: 'lan', pacing: 'realtime', minutes: spec.minutes, seed: spec.seed, clockPpm: 0 };
  return { spec: spec_, source, turns: [{ start: 0, end: length }], chunks, endMs: previous + 2000 };
}

/** One period of the voiced waveform: 8 harmonics at 1/k, normalised to peak 1. */
const WAVE = (() => {
  const size = 4096;
  const table = new Float32Array(size + 1);
  let peak = 0;
  for (let i = 0; i <= size; i++) {
    let v = 0;
    for (let k = 1; k <= 8; k++) v += Math.sin((2 * Math.PI * k * i) / size + k * 0.7) / k;
    table[i] = v;
    peak = Math.max(peak, Math.abs(v));
  }
  for (let i = 0; i <= size; i++) table[i]! /= peak;
  return table;
})();

/** A sentence of `seconds` of syllables, then `pauseSeconds` of near-silence (also the independent traces' speech). */
export function synthesiseSentence(random: () => number, seconds: number, pauseSeconds: number): Int16Array {
  const voicedEnd = Math.round(seconds * RATE);
  const out = new Int16Array(voicedEnd + Math.round(pauseSeconds * RATE));
  let i = 0;
  let phase = 0;
  while (i < voicedEnd) {
    const length = Math.min(voicedEnd - i, Math.round((80 + 220 * random()) * PER_MS));
    const f0 = 100 + 120 * random();
    const glide = (random() - 0.5) * 0.3;
    const amplitude = 0.25 + 0.25 * random();
    const ramp = 10 * PER_MS;
    for (let n = 0; n < length; n++) {
      const envelope = Math.min(1, n / ramp, (length - 1 - n) / ramp);
      phase += (f0 * (1 + (glide * n) / length)) / RATE;
      phase -= Math.floor(phase);
      const v = Math.round(WAVE[Math.floor(phase * 4096)]! * amplitude * envelope * 32_767);
      out[i + n] = v === 0 ? 1 : v;
    }
    i += length;
    const gap = Math.min(voicedEnd - i, Math.round((30 + 90 * random()) * PER_MS));
    for (let n = 0; n < gap; n++) out[i + n] = n & 1 ? 1 : -1;
    i += gap;
  }
  for (let n = voicedEnd; n < out.length; n++) out[n] = n & 1 ? 1 : -1;
  return out;
}
