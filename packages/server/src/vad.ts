/**
 * Energy voice-activity detection with hysteresis, on 20 ms windows of the wire's PCM. Speech starts after
 * `startWindows` consecutive windows above `startDbfs`; it ends after `silenceMs` of consecutive windows below
 * `stopDbfs`. Windows between the two thresholds keep the current state, so a level hovering near one threshold
 * does not flap.
 * @module
 */
import { FRAME_MS, rmsDbfs } from './pcm.ts';

export interface EnergyVadOptions {
  /** Level a window must exceed to count towards speech. @default -40 */
  startDbfs: number;
  /** Level below which a window counts as silence. @default -50 */
  stopDbfs: number;
  /** Consecutive loud windows that start speech (20 ms each). @default 2 */
  startWindows: number;
  /** Silence that ends speech. @default 600 */
  silenceMs: number;
}

export const VAD_DEFAULTS: EnergyVadOptions = { startDbfs: -40, stopDbfs: -50, startWindows: 2, silenceMs: 600 };

export type VadEvent = 'speechstart' | 'speechend' | null;

export class EnergyVad {
  readonly #options: EnergyVadOptions;
  #speaking = false;
  #loudRun = 0;
  #quietRun = 0;

  constructor(options: Partial<EnergyVadOptions> = {}) {
    this.#options = { ...VAD_DEFAULTS, ...options };
  }

  get speaking(): boolean {
    return this.#speaking;
  }

  /** Feeds one 20 ms window (320 samples); returns the state change it caused, if any. */
  window(samples: Int16Array): VadEvent {
    const level = rmsDbfs(samples);
    const { startDbfs, stopDbfs, startWindows, silenceMs } = this.#options;
    if (!this.#speaking) {
      this.#loudRun = level > startDbfs ? this.#loudRun + 1 : 0;
      if (this.#loudRun < startWindows) return null;
      this.#speaking = true;
      this.#quietRun = 0;
      return 'speechstart';
    }
    this.#quietRun = level < stopDbfs ? this.#quietRun + 1 : 0;
    if (this.#quietRun * FRAME_MS < silenceMs) return null;
    this.reset();
    return 'speechend';
  }

  /** Back to silence, as after a speech end. */
  reset(): void {
    this.#speaking = false;
    this.#loudRun = 0;
    this.#quietRun = 0;
  }
}
