/**
 * Seeded network models for the server's `--shape` and for the jitter-buffer benchmark. Pure: no Node APIs, no
 * clock, no `Math.random`, so the same seed and the same calls always give the same deliveries.
 *
 * Every profile is one TCP connection: a chunk is delivered `baseMs` + its serialisation time on a link of
 * `bandwidthMbps` + a random extra delay after it was sent, and never before the chunk sent before it (in order).
 * - jitter: the extra delay is `jitterMs · |N(0,1)|`, capped at `3 · jitterMs` (so "5 ms jitter" spreads
 *   deliveries over 0–15 ms, mostly 0–8 ms);
 * - stalls: the link delivers nothing from a stall's start to its end, then everything held at once; stalls follow
 *   each other after a uniformly random interval;
 * - burst: the link holds everything sent in a window of 1–3 s and releases it at the window's end (whole sentences
 *   arrive at once, as from a server that streams TTS faster than real time and a proxy that buffers).
 * Time-driven events (stalls, burst windows) come from their own random stream and are laid out from the first
 * call's `sendMs`, so they fall at the same times however the audio is chunked.
 * @module
 */

export type ShapeName = 'none' | 'lan' | 'wifi' | 'mobile' | 'burst';
export const SHAPE_NAMES: readonly ShapeName[] = ['none', 'lan', 'wifi', 'mobile', 'burst'];

export interface NetworkModel {
  /**
   * When a chunk handed to the network at `sendMs` arrives, in ms on the same clock. Delivery is in order (TCP):
   * never earlier than the previous chunk's delivery. Deterministic for a given seed and call sequence.
   */
  deliver(sendMs: number, bytes: number): number;
}

/** What a shape does, in numbers (all ms unless named otherwise). */
export interface NetworkProfile {
  baseMs: number;
  jitterMs: number;
  bandwidthMbps: number;
  /** Interval between stall starts, uniform in [min, max]; `undefined` for no stalls. */
  stallEveryMs?: readonly [number, number];
  /** Stall length, uniform in [min, max]. */
  stallMs?: readonly [number, number];
  /** Hold-and-release window length, uniform in [min, max]; `undefined` for no bursts. */
  burstWindowMs?: readonly [number, number];
}

/**
 * The profiles behind each shape. LAN, Wi-Fi and mobile follow issue 3's traces (5 / 30 / 50 ms jitter; Wi-Fi
 * stalls of 200–500 ms about every 30 s; mobile stalls about every 10 s). The issue gives no length for mobile
 * stalls: 100–400 ms is our choice (radio state changes and handovers).
 */
export const NETWORK_PROFILES: Readonly<Record<ShapeName, NetworkProfile>> = {
  none: { baseMs: 0, jitterMs: 0, bandwidthMbps: Number.POSITIVE_INFINITY },
  lan: { baseMs: 1, jitterMs: 5, bandwidthMbps: 100 },
  wifi: { baseMs: 3, jitterMs: 30, bandwidthMbps: 20, stallEveryMs: [20_000, 40_000], stallMs: [200, 500] },
  mobile: { baseMs: 40, jitterMs: 50, bandwidthMbps: 4, stallEveryMs: [5_000, 15_000], stallMs: [100, 400] },
  burst: { baseMs: 2, jitterMs: 5, bandwidthMbps: 50, burstWindowMs: [1_000, 3_000] },
};

/** A seeded network. `seed` is any integer; different seeds give independent traces. */
export function createNetworkModel(shape: ShapeName, seed = 1): NetworkModel {
  return createNetworkModelFromProfile(NETWORK_PROFILES[shape], seed);
}

/** Like {@link createNetworkModel}, for a profile of your own (benchmarks, tests). */
export function createNetworkModelFromProfile(profile: NetworkProfile, seed = 1): NetworkModel {
  const jitterRandom = createRandom(seed, 0x6a09e667);
  const eventRandom = createRandom(seed, 0xbb67ae85);
  const msPerByte = 8 / (profile.bandwidthMbps * 1000);
  let lastDelivery = Number.NEGATIVE_INFINITY;
  let linkFreeAt = Number.NEGATIVE_INFINITY;
  // The current time-driven event (stall or burst window), laid out lazily from the first call on.
  let eventStart = Number.NaN;
  let eventEnd = Number.NaN;

  const nextEvent = (after: number): void => {
    if (profile.stallEveryMs && profile.stallMs) {
      eventStart = after + uniform(eventRandom, profile.stallEveryMs);
      eventEnd = eventStart + uniform(eventRandom, profile.stallMs);
    } else if (profile.burstWindowMs) {
      // Burst windows tile the timeline: the link "stalls" for the whole window, then releases.
      eventStart = after;
      eventEnd = after + uniform(eventRandom, profile.burstWindowMs);
    }
  };

  return {
    deliver(sendMs, bytes) {
      if (Number.isNaN(eventStart)) nextEvent(sendMs);
      // Serialisation on a shared link: a chunk waits for the one before it to leave.
      linkFreeAt = Math.max(linkFreeAt, sendMs) + bytes * msPerByte;
      const extra = profile.jitterMs > 0 ? profile.jitterMs * Math.min(3, Math.abs(gaussian(jitterRandom))) : 0;
      let at = Math.max(lastDelivery, linkFreeAt + profile.baseMs + extra);
      if (!Number.isNaN(eventStart)) {
        while (eventEnd <= at) nextEvent(eventEnd);
        // Strictly inside: a chunk released at a burst window's end belongs to that window, not the next one.
        if (at > eventStart) at = eventEnd;
      }
      lastDelivery = at;
      return at;
    },
  };
}

function uniform(random: () => number, [min, max]: readonly [number, number]): number {
  return min + (max - min) * random();
}

/** Standard normal deviate (Box–Muller; one of the pair is enough here). */
export function gaussian(random: () => number): number {
  const u = 1 - random(); // (0, 1]: log(0) would be -Infinity
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** mulberry32 seeded through splitmix32, so nearby seeds and streams give unrelated sequences. Returns [0, 1). */
export function createRandom(seed: number, stream = 0): () => number {
  let s = splitmix32((seed | 0) ^ stream);
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
