/**
 * Live level meters and a scrolling waveform drawn from the SDK's `level` events (input in teal, agent in violet).
 * The canvas keeps the last few seconds of RMS/peak readings and redraws once per animation frame.
 */
const FLOOR_DB = -70;
const HISTORY = 240;

/** dBFS → 0..1 on the meter's scale. */
function toUnit(db: number): number {
  if (!Number.isFinite(db)) return 0;
  return Math.min(1, Math.max(0, (db - FLOOR_DB) / -FLOOR_DB));
}

/** Below this the meter reads −∞: digital silence after resampling is a few LSBs of float noise, not a level. */
const SILENCE_DB = -120;

function formatDb(db: number): string {
  return Number.isFinite(db) && db > SILENCE_DB ? `${db.toFixed(1)} dB` : '−∞ dB';
}

/** The meter bar and its dB label, per source. */
export type MeterElements = Record<'input' | 'output', { bar: HTMLElement; label: HTMLOutputElement }>;

interface Reading {
  rms: number;
  peak: number;
}

export class LevelView {
  readonly #canvas: HTMLCanvasElement;
  readonly #bars: MeterElements;
  readonly #history: Record<'input' | 'output', Reading[]> = { input: [], output: [] };
  readonly #latest: Record<'input' | 'output', Reading> = { input: { rms: 0, peak: 0 }, output: { rms: 0, peak: 0 } };
  #frame = 0;

  constructor(canvas: HTMLCanvasElement, bars: MeterElements) {
    this.#canvas = canvas;
    this.#bars = bars;
    // The history advances at a steady rate whatever the event rate, so silence scrolls too.
    setInterval(() => this.#tick(), 40);
    this.#draw();
  }

  update(source: 'input' | 'output', rmsDb: number, peakDb: number): void {
    this.#latest[source] = { rms: toUnit(rmsDb), peak: toUnit(peakDb) };
    this.#bars[source].bar.style.width = `${(toUnit(rmsDb) * 100).toFixed(1)}%`;
    this.#bars[source].label.textContent = formatDb(rmsDb);
  }

  reset(): void {
    for (const source of ['input', 'output'] as const) this.update(source, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY);
  }

  #tick(): void {
    for (const source of ['input', 'output'] as const) {
      const history = this.#history[source];
      history.push(this.#latest[source]);
      if (history.length > HISTORY) history.shift();
    }
  }

  #draw = (): void => {
    this.#frame = requestAnimationFrame(this.#draw);
    const canvas = this.#canvas;
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(canvas.clientWidth * ratio);
    const height = Math.round(canvas.clientHeight * ratio);
    if (canvas.width !== width || canvas.height !== height) Object.assign(canvas, { width, height });
    const g = canvas.getContext('2d');
    if (!g || width === 0) return;
    const styles = getComputedStyle(document.documentElement);
    g.clearRect(0, 0, width, height);
    const mid = height / 2;
    const step = width / HISTORY;
    const colours = { input: styles.getPropertyValue('--mic'), output: styles.getPropertyValue('--agent') };
    for (const source of ['input', 'output'] as const) {
      const history = this.#history[source];
      const offset = HISTORY - history.length;
      // Mirror image: the microphone above the axis, the agent below, like a two-party call recording.
      const sign = source === 'input' ? -1 : 1;
      g.fillStyle = colours[source];
      for (let i = 0; i < history.length; i++) {
        const reading = history[i]!;
        const x = (offset + i) * step;
        g.globalAlpha = 0.35;
        g.fillRect(x, mid, Math.max(1, step - 1), sign * reading.peak * (mid - 4));
        g.globalAlpha = 1;
        g.fillRect(x, mid, Math.max(1, step - 1), sign * reading.rms * (mid - 4));
      }
    }
    g.globalAlpha = 1;
    g.fillStyle = styles.getPropertyValue('--border');
    g.fillRect(0, mid, width, 1);
  };

  dispose(): void {
    cancelAnimationFrame(this.#frame);
  }
}
