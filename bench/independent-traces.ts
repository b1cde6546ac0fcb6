/**
 * Independent held-out traces for the jitter-buffer benchmark: the speech of `bench/traces.ts` (its synthesiser
 * and turn structure), but a sender and a network of their own (`independent-network.ts`), designed from issue
 * 10's words without looking at how the tuned-on traces time things. Only the timing is new.
 *
 * - Conversation: agent turns of 1–3 sentences, the user talking 1.5–5 s between them, until `speechMinutes` of
 *   agent audio has been sent. A share of turns (20 %) is a barge-in: the user interrupts at 15–85 % of the turn
 *   and the server stops sending there. The simulation has no flush (`simulate` plays what was received), so the
 *   last 5 ms sent are faded in the source, standing in for the client's flush fade; what was queued still plays.
 * - Pacing `frames`: a real-time server sending one frame size per turn, one of 20/40/60/100/200 ms (a guess at
 *   what servers use), each frame when its last sample is due.
 * - Pacing `tts-chunks`: a TTS engine streaming as it generates, at real time on average with ±5 % compute noise
 *   per chunk (so lateness wanders a little). Chunk lengths are a mixture, not one log-uniform law: 60 % token-sized
 *   (log-uniform 10–80 ms), 40 % phrase flushes (log-uniform 150–500 ms), each any byte count (odd or even: a
 *   sample may be split between two messages). The engine flushes at every sentence end.
 * - Pacing `tts-slow`: the same chunks, the generation speed a reflected random walk inside 0.9–1.1× real time
 *   that moves within a turn, and generation pauses of 80–400 ms at every sentence boundary and at phrase
 *   boundaries (the first syllable gap after 1.5–3.5 s of a sentence's audio) rather than at random.
 * - Sender clock: −100…+100 ppm against the receiver's, drawn per seed.
 * @module
 */
import { createRandom, gaussian } from '../packages/server/src/network-model.ts';
import { createIndependentNetwork, INDEPENDENT_NETWORKS, type IndependentNetworkName, type NetworkEvent } from './independent-network.ts';
import { synthesiseSentence, type Trace, type TraceChunk } from './traces.ts';

const RATE = 16_000;
const PER_MS = RATE / 1000;
const FADE = 5 * PER_MS;

export type IndependentPacing = 'frames' | 'tts-chunks' | 'tts-slow';

export interface IndependentSpec {
  network: IndependentNetworkName;
  pacing: IndependentPacing;
  /** Agent audio to send, minutes (user turns come on top). */
  speechMinutes: number;
  seed: number;
  /** Share of turns the user interrupts. */
  bargeInShare?: number;
}

/** A generation pause, on the receiver's clock (send time). */
export interface SenderEvent {
  kind: 'generation pause' | 'barge-in';
  startMs: number;
  endMs: number;
}

export interface IndependentTrace extends Trace {
  events: Array<NetworkEvent | SenderEvent>;
}

export function generateIndependentTrace(spec: IndependentSpec): IndependentTrace {
  const random = createRandom(spec.seed, 0x71374491);
  const senderRandom = createRandom(spec.seed, 0xb5c0fbcf);
  const uniform = (r: () => number, min: number, max: number) => min + (max - min) * r();
  const logUniform = (r: () => number, min: number, max: number) => Math.exp(uniform(r, Math.log(min), Math.log(max)));
  const network = createIndependentNetwork(INDEPENDENT_NETWORKS[spec.network], spec.seed);
  const clock = 1 / (1 + uniform(senderRandom, -100, 100) * 1e-6);
  const bargeInShare = spec.bargeInShare ?? 0.2;

  const pieces: Int16Array[] = [];
  const turns: Trace['turns'] = [];
  const chunks: TraceChunk[] = [];
  const senderEvents: SenderEvent[] = [];
  let sourceLength = 0;
  let senderMs = 1000; // sender clock: when the next turn starts being generated
  let lastSend = 0;

  const send = (senderTime: number, start: number, length: number) => {
    const sendMs = Math.max(lastSend, senderTime * clock);
    chunks.push({ sendMs, arrivalMs: network.deliver(sendMs, length * 2), start, length });
    lastSend = sendMs;
  };

  while (sourceLength < spec.speechMinutes * 60 * RATE) {
    const count = 1 + Math.floor(random() * 3);
    const sentences: Int16Array[] = [];
    for (let k = 0; k < count; k++) {
      sentences.push(synthesiseSentence(random, uniform(random, 1.5, 6), k < count - 1 ? uniform(random, 0.25, 0.6) : 0.05));
    }
    let turn = concat(sentences);
    // Sentence ends inside the turn (the TTS engine's flush and pause points).
    const sentenceEnds: number[] = [];
    let end = 0;
    for (const s of sentences) {
      end += s.length;
      sentenceEnds.push(end);
    }
    if (senderRandom() < bargeInShare) {
      const cut = Math.round(turn.length * uniform(senderRandom, 0.15, 0.85));
      turn = turn.slice(0, cut);
      fadeOut(turn);
      senderEvents.push({ kind: 'barge-in', startMs: (senderMs + cut / PER_MS) * clock, endMs: (senderMs + cut / PER_MS) * clock });
    }
    const turnStart = sourceLength;
    pieces.push(turn);
    sourceLength += turn.length;
    turns.push({ start: turnStart, end: sourceLength });

    let generatedMs = senderMs;
    if (spec.pacing === 'frames') {
      const frame = [20, 40, 60, 100, 200][Math.floor(senderRandom() * 5)]! * PER_MS;
      for (let at = 0; at < turn.length; at += frame) {
        const length = Math.min(frame, turn.length - at);
        generatedMs = senderMs + (at + length) / PER_MS;
        send(generatedMs, turnStart + at, length);
      }
    } else {
      const pauses = spec.pacing === 'tts-slow' ? pausePoints(turn, sentenceEnds, senderRandom) : new Set<number>();
      const flushes = sentenceEnds.filter((e) => e < turn.length);
      let speed = spec.pacing === 'tts-slow' ? uniform(senderRandom, 0.9, 1.1) : 1;
      let bytes = 0;
      let delivered = 0;
      while (delivered < turn.length) {
        const chunkMs = senderRandom() < 0.6 ? logUniform(senderRandom, 10, 80) : logUniform(senderRandom, 150, 500);
        // Any byte count: an odd one splits a sample, which completes with the next message.
        let target = Math.min(2 * turn.length, bytes + Math.max(1, Math.round(chunkMs * PER_MS * 2) + (senderRandom() < 0.5 ? 1 : 0)));
        // The engine flushes at a sentence end or a pause point: the chunk stops there.
        for (const p of [...flushes, ...pauses]) if (2 * p > bytes && 2 * p < target) target = 2 * p;
        bytes = target;
        const upTo = Math.floor(bytes / 2);
        if (upTo === delivered) continue;
        if (spec.pacing === 'tts-slow') {
          // Reflected random walk: the speed moves within the turn, ≈ ±0.02 per 100 ms of audio.
          speed += 0.02 * Math.sqrt(chunkMs / 100) * gaussian(senderRandom);
          speed = speed > 1.1 ? 2.2 - speed : speed < 0.9 ? 1.8 - speed : speed;
          generatedMs += (upTo - delivered) / PER_MS / speed;
        } else {
          generatedMs += (upTo - delivered) / PER_MS / (1 + Math.max(-0.15, Math.min(0.15, 0.05 * gaussian(senderRandom))));
        }
        send(generatedMs, turnStart + delivered, upTo - delivered);
        delivered = upTo;
        if (pauses.has(upTo)) {
          const pause = uniform(senderRandom, 80, 400);
          senderEvents.push({ kind: 'generation pause', startMs: generatedMs * clock, endMs: (generatedMs + pause) * clock });
          generatedMs += pause;
        }
      }
    }
    // The user answers (or has barged in) after the agent's audio has played out, never before it was all sent.
    senderMs = Math.max(senderMs + turn.length / PER_MS, generatedMs) + uniform(random, 1500, 5000);
  }

  const last = chunks[chunks.length - 1]!;
  return {
    // Metadata only (nothing reads it to simulate): the nearest names in the tuned-on traces' vocabulary.
    spec: {
      name: `independent ${spec.network} ${spec.pacing}`,
      network: spec.network,
      pacing: spec.pacing === 'frames' ? 'realtime' : spec.pacing,
      minutes: (senderMs * clock) / 60_000,
      seed: spec.seed,
      clockPpm: (1 / clock - 1) * 1e6,
    },
    source: concat(pieces),
    turns,
    chunks,
    endMs: Math.max(last.arrivalMs, senderMs * clock) + 2000,
    events: [...network.events, ...senderEvents].sort((a, b) => a.startMs - b.startMs),
  };
}

/**
 * Where a slow TTS engine pauses: every sentence boundary, and inside a sentence at the first syllable gap (a run of
 * ≥ 30 ms of ±1 LSB near-silence) after 1.5–3.5 s of audio since the last pause point. Sample indices in the turn.
 */
function pausePoints(turn: Int16Array, sentenceEnds: number[], random: () => number): Set<number> {
  const points = new Set<number>();
  let from = 0;
  for (const end of sentenceEnds) {
    let next = from + Math.round((1500 + 2000 * random()) * PER_MS);
    let quiet = 0;
    for (let i = from; i < Math.min(end, turn.length); i++) {
      quiet = Math.abs(turn[i]!) <= 1 ? quiet + 1 : 0;
      if (i >= next && quiet >= 30 * PER_MS) {
        points.add(i + 1);
        next = i + 1 + Math.round((1500 + 2000 * random()) * PER_MS);
      }
    }
    if (end < turn.length) points.add(end);
    from = end;
  }
  return points;
}

/** A linear fade over the last 5 ms; never to exactly 0 (a 0 in the output is always something the player made). */
function fadeOut(turn: Int16Array): void {
  const n = Math.min(FADE, turn.length);
  for (let k = 0; k < n; k++) {
    const i = turn.length - n + k;
    const v = Math.round((turn[i]! * (n - 1 - k)) / n);
    turn[i] = v === 0 ? (i & 1 ? 1 : -1) : v;
  }
}

function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((a, p) => a + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
