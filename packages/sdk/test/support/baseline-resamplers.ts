/**
 * The two resamplers peers ship, as baselines for the benchmark and for tests that must be able to fail:
 * picking the nearest earlier sample with no filter (naive decimation; sample-and-hold when upsampling) and
 * linear interpolation. Same streaming interface and the same exact integer phase as the SDK's Resampler, so
 * only the filtering differs.
 */
import { gcd } from '../../src/dsp/sinc-filter.ts';

/** The interface the quality measurements drive: the SDK's Resampler and both baselines have it. */
export interface StreamResampler {
  readonly inputRate: number;
  readonly outputRate: number;
  readonly delaySeconds: number;
  maxOutput(inputLength: number): number;
  process(input: Float32Array, output: Float32Array, inputLength?: number): number;
  reset(): void;
}

export type ResamplerFactory = (inputRate: number, outputRate: number) => StreamResampler;

/** Shared bookkeeping: output m sits at input position m·M/L = index + phase/L. */
abstract class IntegerPhaseResampler implements StreamResampler {
  readonly inputRate: number;
  readonly outputRate: number;
  readonly delaySeconds = 0;
  protected readonly up: number;
  protected readonly down: number;
  /** The previous input sample (index −1 relative to the current call). */
  protected previous = 0;
  /** Input index, relative to the current call's first sample, of the next output's left neighbour. */
  protected next = 0;
  protected phase = 0;

  constructor(inputRate: number, outputRate: number) {
    const g = gcd(inputRate, outputRate);
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    this.up = outputRate / g;
    this.down = inputRate / g;
  }

  maxOutput(inputLength: number): number {
    return Math.ceil((inputLength * this.up) / this.down) + 1;
  }

  /** Value at input index `index` (may be −1: the previous call's last sample) plus `phase/L` towards the next. */
  protected abstract value(input: Float32Array, index: number, phase: number): number;

  process(input: Float32Array, output: Float32Array, inputLength = input.length): number {
    let written = 0;
    // Needs input[next + 1] for interpolation, so stop one sample short; the last sample is kept as `previous`.
    while (this.next + 1 < inputLength || (this.phase === 0 && this.next < inputLength)) {
      output[written++] = this.value(input, this.next, this.phase);
      this.phase += this.down;
      this.next += Math.floor(this.phase / this.up);
      this.phase %= this.up;
    }
    if (inputLength > 0) this.previous = input[inputLength - 1]!;
    this.next -= inputLength;
    return written;
  }

  reset(): void {
    this.previous = 0;
    this.next = 0;
    this.phase = 0;
  }

  protected at(input: Float32Array, index: number): number {
    return index < 0 ? this.previous : input[index]!;
  }
}

/** No filter: the output takes the input sample at or just before its position. */
export class NaiveResampler extends IntegerPhaseResampler {
  protected value(input: Float32Array, index: number): number {
    return this.at(input, index);
  }
}

/** Linear interpolation between the two input samples around the output position; no other filtering. */
export class LinearResampler extends IntegerPhaseResampler {
  protected value(input: Float32Array, index: number, phase: number): number {
    const a = this.at(input, index);
    if (phase === 0) return a;
    return a + ((this.at(input, index + 1) - a) * phase) / this.up;
  }
}
