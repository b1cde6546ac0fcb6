/**
 * The pitch period of voiced speech, found by normalised cross-correlation: the lag at which a stretch of signal
 * best matches itself. Time-scale modification removes or repeats whole periods at that lag, so pitch is kept.
 * @module
 */

/** Shortest period searched, 16 kHz samples (400 Hz: above any speaking voice's fundamental). */
export const MIN_PERIOD = 40;
/** Longest period searched (16 kHz samples, ≈ 56 Hz: below any speaking voice's fundamental). */
export const MAX_PERIOD = 288;
/** Length compared at each lag: 10 ms, at least one period of any voice in range 100–400 Hz. */
export const MATCH_LENGTH = 160;

/**
 * The lag in [MIN_PERIOD, MAX_PERIOD] that maximises the normalised correlation of `signal[a … a + MATCH_LENGTH)`
 * with `signal[a + sign·lag …)`: `sign` +1 compares with later samples, −1 with earlier ones. The caller makes sure
 * every index read exists. A coarse search on even lags, refined at ±1 around the best: ~0.6 of the full cost.
 *
 * Integers in and out (V8 boxes doubles across calls it does not inline). Allocates nothing.
 */
export function bestPeriod(signal: Float32Array, a: number, sign: number): number {
  const coarse = ((MAX_PERIOD - MIN_PERIOD) >> 1) + 1;
  let best = MIN_PERIOD;
  let centre = MIN_PERIOD;
  let bestScore = -2;
  // Even lags, then the two odd neighbours of the best: one loop, so nothing returns a double (no boxing).
  for (let k = 0; k < coarse + 2; k++) {
    if (k === coarse) centre = best;
    const lag = k < coarse ? MIN_PERIOD + 2 * k : k === coarse ? centre - 1 : centre + 1;
    if (lag < MIN_PERIOD || lag > MAX_PERIOD) continue;
    const b = a + sign * lag;
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let i = 0; i < MATCH_LENGTH; i++) {
      const x = signal[a + i]!;
      const y = signal[b + i]!;
      ab += x * y;
      aa += x * x;
      bb += y * y;
    }
    const energy = aa * bb;
    const score = energy > 1e-12 ? ab / Math.sqrt(energy) : 0;
    if (score > bestScore) {
      bestScore = score;
      best = lag;
    }
  }
  return best;
}
