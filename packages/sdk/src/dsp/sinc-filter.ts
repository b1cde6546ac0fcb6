/**
 * Design of the polyphase low-pass filter behind {@link Resampler}: a Kaiser-windowed sinc, evaluated in
 * continuous time so the same response holds at every rate pair.
 *
 * Design targets (for a 16 kHz side; the figures scale with the lower of the two rates):
 * - passband flat within ±0.1 dB to 7 kHz, the cutoff (−6 dB point) at 7.42 kHz;
 * - at least 90 dB down from 8 kHz, and 100 dB from 9 kHz, the first frequency whose alias lands in 0–7 kHz;
 * - a linear-phase filter 6 ms long at most, so its group delay (half its length) stays under 3 ms.
 *
 * The Kaiser window's β and the cutoff were chosen by a numerical scan of that 6 ms window: β = 10.9 with the
 * −6 dB point 580 Hz below the lower Nyquist gives 0.04 dB of passband deviation to 7 kHz, about 107 dB of
 * attenuation from 8 kHz and about 115 dB from 9 kHz. `pnpm bench resampler` measures the built filters.
 * @module
 */
import { CHECK_ARGUMENTS } from './argument-checks.ts';

/** Kaiser window shape parameter (see the module comment for how it was chosen). */
export const KAISER_BETA = 10.9;
/** Distance of the −6 dB cutoff below the lower of the two Nyquist frequencies, in Hz. */
export const CUTOFF_BELOW_NYQUIST_HZ = 580;
/** Upper bound of the filter's group delay, in seconds. */
export const MAX_DELAY_SECONDS = 0.003;
/**
 * Most coefficients a filter may have (L phases × taps per phase, about 6 ms × lcm(input, output rate)).
 * Every rate a browser offers (8–192 kHz, the 11.025 kHz family included) needs under 100k; exotic rate pairs
 * with a huge common multiple would need megabytes and are refused.
 */
export const MAX_COEFFICIENTS = 1 << 19;

/** A polyphase filter: `phases` sets of `taps` coefficients, laid out for a forward dot product with history. */
export interface PolyphaseFilter {
  /** Upsampling factor L of the reduced ratio L/M (the number of phases). */
  readonly phases: number;
  /** Coefficients per phase (input samples each output looks at). */
  readonly taps: number;
  /**
   * `phases × taps` coefficients. Phase `p` occupies `[p·taps, (p+1)·taps)`, ordered oldest input first, so
   * output = Σ_j history[start + j] · coefficients[p·taps + j], where `history[start + taps − 1]` is the newest input.
   */
  readonly coefficients: Float32Array;
  /** Group delay of the filter, in seconds. */
  readonly delaySeconds: number;
}

/** Greatest common divisor of two positive integers. */
export function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** The zeroth-order modified Bessel function of the first kind, by its power series (converges for all x). */
export function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 500; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/**
 * Designs the polyphase filter converting `inputRate` to `outputRate` (positive integers, reduced to L/M).
 * Allocates the coefficient table; meant for constructors. Throws a RangeError for rates that are not positive
 * integers or whose filter would exceed {@link MAX_COEFFICIENTS}.
 */
export function designPolyphaseFilter(inputRate: number, outputRate: number): PolyphaseFilter {
  if (CHECK_ARGUMENTS && !(Number.isInteger(inputRate) && inputRate > 0 && Number.isInteger(outputRate) && outputRate > 0)) {
    throw new RangeError(`sample rates must be positive integers, got ${inputRate} → ${outputRate}`);
  }
  const divisor = gcd(inputRate, outputRate);
  const phases = outputRate / divisor;
  if (inputRate === outputRate) {
    return { phases: 1, taps: 1, coefficients: new Float32Array([1]), delaySeconds: 0 };
  }
  // The prototype runs at L × inputRate. Its length L·taps must keep (length − 1)/2 samples of delay within
  // MAX_DELAY_SECONDS: taps = floor(2 · MAX_DELAY · inputRate) does, with (L·taps − 1)/2 < L·inputRate·MAX_DELAY.
  const taps = Math.floor(2 * MAX_DELAY_SECONDS * inputRate + 1e-9);
  const length = phases * taps;
  if (length > MAX_COEFFICIENTS) {
    // The limit holds in the worklet too (the context's rate is the browser's choice), with a shorter message there:
    // the nodes report a processor's error as WORKLET_FAILED without its message (the console shows the short one).
    throw new RangeError(
      CHECK_ARGUMENTS
        ? `unsupported rate pair ${inputRate} → ${outputRate}: its filter would need ${length} coefficients`
        : `rates ${inputRate}:${outputRate}`,
    );
  }
  const prototypeRate = phases * inputRate;
  const cutoffHz = Math.min(inputRate, outputRate) / 2 - CUTOFF_BELOW_NYQUIST_HZ;
  const center = (length - 1) / 2;
  // The window spans one sample beyond each end, so the outermost taps are small but not zero.
  const halfWidth = center + 1;
  const windowScale = 1 / besselI0(KAISER_BETA);

  const coefficients = new Float32Array(length);
  const phase = new Float64Array(taps);
  for (let p = 0; p < phases; p++) {
    // Prototype index n = p + k·L multiplies input x[i0 − k]; stored at j = taps − 1 − k (oldest first).
    let sum = 0;
    for (let k = 0; k < taps; k++) {
      const offset = p + k * phases - center;
      const r = offset / halfWidth;
      const window = besselI0(KAISER_BETA * Math.sqrt(Math.max(0, 1 - r * r))) * windowScale;
      const x = (2 * cutoffHz * offset) / prototypeRate;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const value = sinc * window;
      phase[taps - 1 - k] = value;
      sum += value;
    }
    // Each output uses one phase, so each phase gets unit DC gain: a constant input gives a constant output and
    // DC leaves no image at the phase rate.
    for (let j = 0; j < taps; j++) coefficients[p * taps + j] = phase[j]! / sum;
  }
  return { phases, taps, coefficients, delaySeconds: center / prototypeRate };
}
