/**
 * A second network model for the jitter-buffer benchmark, written from issue 10's words alone ("5 / 30 / 50 ms
 * jitter", "200–500 ms stalls every ~30 s", "stalls every ~10 s") and built differently from the reference
 * server's model (`packages/server/src/network-model.ts`, whose traces the buffer was tuned on). Only the PRNG (and its
 * normal deviate) is shared. One TCP connection: in-order delivery, never before the chunk sent before it.
 *
 * The one-way delay of a chunk is the sum of
 * - base + serialisation on a bottleneck link (a chunk waits for the one before it to leave);
 * - wander: an Ornstein–Uhlenbeck (continuous AR(1)) process in send time, the slow queueing change of a shared
 *   path; only its positive part adds delay;
 * - per-chunk jitter, log-normal (σ = 0.6 in log space): a heavy right tail and no cap, where the server model's is
 *   a capped half-normal. "J ms jitter" is read as the standard deviation of this term (the server model's J is a
 *   scale: its standard deviation is 0.6 J), so this model is the rougher of the two for the same words;
 * - events laid out in time from their own random streams, so two seeds differ in where they fall:
 *   - LAN: rare spikes (one chunk 20–40 ms late, the ones behind it queue up), exponential inter-arrival;
 *   - Wi-Fi: frame aggregation (the access point releases what it holds at instants 5–30 ms apart: chunks arrive
 *     in bursts of back-to-back frames), and stalls with exponential inter-arrival (a Poisson process, so they can
 *     come in clusters or not for a minute) of uniform length, everything held arriving at the stall's end;
 *   - mobile: a Gilbert–Elliott channel (good / bad states with exponential and log-uniform sojourns; the bad state
 *     adds 50–150 ms, drawn once per sojourn, and 1.5× the jitter: a step in delay, not noise), and stalls as for
 *     Wi-Fi but 200–800 ms.
 * Every constant not in the issue's text is a guess, named as such below.
 * @module
 */
import { createRandom, gaussian } from '../packages/server/src/network-model.ts';

export type IndependentNetworkName = 'lan' | 'wifi' | 'mobile';

export interface IndependentNetworkProfile {
  baseMs: number;
  /** Standard deviation of the per-chunk log-normal jitter, ms. */
  jitterMs: number;
  bandwidthMbps: number;
  /** Stationary standard deviation and time constant of the wander, ms. */
  wanderMs: number;
  wanderTauMs: number;
  /** One chunk late by `minMs`–`maxMs`, at exponential intervals of mean `meanEveryMs`. */
  spikes?: { meanEveryMs: number; minMs: number; maxMs: number };
  /** Release instants of an aggregating access point, `minMs`–`maxMs` apart. */
  aggregation?: { minMs: number; maxMs: number };
  /** Stalls: exponential intervals of mean `meanEveryMs` between one's end and the next's start; uniform length. */
  stalls?: { meanEveryMs: number; minMs: number; maxMs: number };
  /** Gilbert–Elliott: good sojourns exponential with mean `goodMeanMs`, bad ones log-uniform; extra delay when bad. */
  badState?: { goodMeanMs: number; badMinMs: number; badMaxMs: number; extraMinMs: number; extraMaxMs: number; jitterFactor: number };
}

export const INDEPENDENT_NETWORKS: Readonly<Record<IndependentNetworkName, IndependentNetworkProfile>> = {
  // Spikes: a guess (a busy switch, the server's GC); the issue names only the jitter.
  lan: {
    baseMs: 1,
    jitterMs: 5,
    bandwidthMbps: 100,
    wanderMs: 1.5,
    wanderTauMs: 5000,
    spikes: { meanEveryMs: 60_000, minMs: 20, maxMs: 40 },
  },
  // Aggregation holds of 5–30 ms: a guess from 802.11n/ac A-MPDU behaviour under load.
  wifi: {
    baseMs: 3,
    jitterMs: 30,
    bandwidthMbps: 20,
    wanderMs: 8,
    wanderTauMs: 3000,
    aggregation: { minMs: 5, maxMs: 30 },
    stalls: { meanEveryMs: 30_000, minMs: 200, maxMs: 500 },
  },
  // The issue gives no stall length and no bad state for mobile: 200–800 ms and the channel's numbers are guesses.
  mobile: {
    baseMs: 40,
    jitterMs: 50,
    bandwidthMbps: 3,
    wanderMs: 15,
    wanderTauMs: 3000,
    stalls: { meanEveryMs: 10_000, minMs: 200, maxMs: 800 },
    badState: { goodMeanMs: 8000, badMinMs: 1000, badMaxMs: 10_000, extraMinMs: 50, extraMaxMs: 150, jitterFactor: 1.5 },
  },
};

/** Something the network did, on the receiver's clock (stalls, spikes: arrival time; bad states: send time). */
export interface NetworkEvent {
  kind: 'stall' | 'spike' | 'bad state';
  startMs: number;
  endMs: number;
}

export interface IndependentNetwork {
  /** Arrival of a chunk of `bytes` sent at `sendMs` (non-decreasing from call to call). */
  deliver(sendMs: number, bytes: number): number;
  /** Everything that happened so far. */
  readonly events: readonly NetworkEvent[];
}

const LOG_SIGMA = 0.6;
/** Log-normal with median m and σ: standard deviation m·√((e^σ² − 1)·e^σ²). Its inverse gives m from the std. */
const STD_PER_MEDIAN = Math.sqrt((Math.exp(LOG_SIGMA ** 2) - 1) * Math.exp(LOG_SIGMA ** 2));

export function createIndependentNetwork(profile: IndependentNetworkProfile, seed: number): IndependentNetwork {
  const jitterRandom = createRandom(seed, 0x243f6a88);
  const wanderRandom = createRandom(seed, 0x85a308d3);
  const stallRandom = createRandom(seed, 0x13198a2e);
  const stateRandom = createRandom(seed, 0x03707344);
  const releaseRandom = createRandom(seed, 0xa4093822);
  const spikeRandom = createRandom(seed, 0x299f31d0);
  const events: NetworkEvent[] = [];
  const msPerByte = 8 / (profile.bandwidthMbps * 1000);
  const median = profile.jitterMs / STD_PER_MEDIAN;

  let linkFreeAt = Number.NEGATIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let wander = 0;
  let wanderAt = Number.NaN;
  let nextSpike = Number.NaN;
  let release = Number.NaN;
  let stallStart = Number.NaN;
  let stallEnd = Number.NaN;
  let bad = false;
  let stateEnd = Number.NaN;
  let badExtra = 0;

  const exponential = (random: () => number, mean: number) => -mean * Math.log(1 - random());
  const uniform = (random: () => number, min: number, max: number) => min + (max - min) * random();

  const nextStall = (after: number) => {
    const s = profile.stalls!;
    stallStart = after + exponential(stallRandom, s.meanEveryMs);
    stallEnd = stallStart + uniform(stallRandom, s.minMs, s.maxMs);
    events.push({ kind: 'stall', startMs: stallStart, endMs: stallEnd });
  };

  /** Moves the channel state on to `at`, recording each bad sojourn when it starts. */
  const advanceState = (at: number) => {
    const b = profile.badState!;
    if (Number.isNaN(stateEnd)) stateEnd = at + exponential(stateRandom, b.goodMeanMs);
    while (stateEnd <= at) {
      bad = !bad;
      const start = stateEnd;
      if (bad) {
        stateEnd = start + Math.exp(uniform(stateRandom, Math.log(b.badMinMs), Math.log(b.badMaxMs)));
        badExtra = uniform(stateRandom, b.extraMinMs, b.extraMaxMs);
        events.push({ kind: 'bad state', startMs: start, endMs: stateEnd });
      } else {
        stateEnd = start + exponential(stateRandom, b.goodMeanMs);
      }
    }
  };

  return {
    events,
    deliver(sendMs, bytes) {
      linkFreeAt = Math.max(linkFreeAt, sendMs) + bytes * msPerByte;

      // Ornstein–Uhlenbeck step over the time since the last chunk: exact for any step, so chunking does not matter.
      if (Number.isNaN(wanderAt)) wander = gaussian(wanderRandom);
      else {
        const decay = Math.exp(-(sendMs - wanderAt) / profile.wanderTauMs);
        wander = wander * decay + Math.sqrt(1 - decay * decay) * gaussian(wanderRandom);
      }
      wanderAt = sendMs;

      let jitterScale = 1;
      let extra = 0;
      if (profile.badState) {
        advanceState(sendMs);
        if (bad) {
          jitterScale = profile.badState.jitterFactor;
          extra = badExtra;
        }
      }
      if (profile.spikes) {
        const s = profile.spikes;
        if (Number.isNaN(nextSpike)) nextSpike = sendMs + exponential(spikeRandom, s.meanEveryMs);
        if (sendMs >= nextSpike) {
          const spike = uniform(spikeRandom, s.minMs, s.maxMs);
          extra += spike;
          events.push({ kind: 'spike', startMs: sendMs, endMs: sendMs + spike });
          nextSpike = sendMs + exponential(spikeRandom, s.meanEveryMs);
        }
      }
      const jitter = median * jitterScale * Math.exp(LOG_SIGMA * gaussian(jitterRandom));
      let at = Math.max(last, linkFreeAt + profile.baseMs + profile.wanderMs * Math.max(0, wander) + extra + jitter);

      // Queries are non-decreasing from here on (at ≥ last), so each event timeline only moves forward.
      if (profile.aggregation) {
        const a = profile.aggregation;
        if (Number.isNaN(release)) release = at;
        while (release < at) release += uniform(releaseRandom, a.minMs, a.maxMs);
        at = release;
      }
      if (profile.stalls) {
        if (Number.isNaN(stallStart)) nextStall(sendMs);
        while (stallEnd <= at) nextStall(stallEnd);
        if (at >= stallStart) at = stallEnd;
      }
      last = at;
      return at;
    },
  };
}
