/**
 * Test signals for the fake microphone, and the measurements the end-to-end tests assert on. Pure functions on
 * Float32Arrays; nothing here knows about browsers.
 */

/** A sine of `seconds` at `frequency`, amplitude `amplitude`, with 5 ms raised-cosine ramps (no clicks). */
export function tone(sampleRate: number, frequency: number, seconds: number, amplitude: number): Float32Array {
  const out = new Float32Array(Math.round(sampleRate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
  return ramp(out, sampleRate, 0.005);
}

/** A linear sweep from `from` to `to` Hz. */
export function sweep(sampleRate: number, from: number, to: number, seconds: number, amplitude: number): Float32Array {
  const out = new Float32Array(Math.round(sampleRate * seconds));
  const k = (to - from) / seconds;
  for (let i = 0; i < out.length; i++) {
    const t = i / sampleRate;
    out[i] = amplitude * Math.sin(2 * Math.PI * (from * t + (k * t * t) / 2));
  }
  return ramp(out, sampleRate, 0.005);
}

/**
 * A speech-like utterance: a gliding harmonic series (pitch 140→220 Hz, harmonics up to 3.4 kHz, like voiced
 * speech through a telephone band) under a syllable-rate envelope. Band-limited below 7 kHz so the 16 kHz wire
 * carries all of it; aperiodic enough that cross-correlation has one clear peak.
 */
export function utterance(sampleRate: number, seconds: number, amplitude: number): Float32Array {
  const out = new Float32Array(Math.round(sampleRate * seconds));
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / sampleRate;
    const pitch = 140 + 80 * (t / seconds) + 15 * Math.sin(2 * Math.PI * 3.1 * t);
    phase += (2 * Math.PI * pitch) / sampleRate;
    let v = 0;
    for (let h = 1; h * pitch < 3400; h++) v += Math.sin(h * phase + h * h * 0.7) / h;
    const syllables = 0.55 + 0.45 * Math.sin(2 * Math.PI * 4.3 * t) * Math.sin(2 * Math.PI * 1.7 * t + 0.4);
    out[i] = v * syllables;
  }
  return ramp(normalize(out, amplitude), sampleRate, 0.01);
}

/**
 * Seeded noise, low-passed (two one-pole stages at ~2 kHz, so it survives the 16 kHz wire), at `rmsDb` dBFS RMS.
 * Quiet enough to stay under a voice-activity threshold, loud enough to be seen where silence would not be.
 */
export function quietNoise(sampleRate: number, seconds: number, rmsDb: number, seed = 7): Float32Array {
  const out = new Float32Array(Math.round(sampleRate * seconds));
  const a = Math.exp((-2 * Math.PI * 2000) / sampleRate);
  let state = seed >>> 0;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < out.length; i++) {
    // xorshift32: deterministic fixtures, run after run.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const white = (state >>> 0) / 2 ** 31 - 1;
    y1 = (1 - a) * white + a * y1;
    y2 = (1 - a) * y1 + a * y2;
    out[i] = y2;
  }
  const scale = 10 ** (rmsDb / 20) / rms(out);
  for (let i = 0; i < out.length; i++) out[i]! *= scale;
  return out;
}

/** Joins pieces; `silence(seconds)` entries are given as numbers. */
export function concat(sampleRate: number, ...parts: (Float32Array | number)[]): Float32Array {
  const arrays = parts.map((p) => (typeof p === 'number' ? new Float32Array(Math.round(p * sampleRate)) : p));
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}

function ramp(signal: Float32Array, sampleRate: number, seconds: number): Float32Array {
  const n = Math.min(Math.round(sampleRate * seconds), signal.length >> 1);
  for (let i = 0; i < n; i++) {
    const g = 0.5 - 0.5 * Math.cos((Math.PI * i) / n);
    signal[i]! *= g;
    signal[signal.length - 1 - i]! *= g;
  }
  return signal;
}

function normalize(signal: Float32Array, peak: number): Float32Array {
  let max = 0;
  for (const v of signal) max = Math.max(max, Math.abs(v));
  for (let i = 0; i < signal.length; i++) signal[i]! *= peak / max;
  return signal;
}

// ─── Measurements ─────────────────────────────────────────────────────────────────────────────────────────────

export function rms(signal: Float32Array, start = 0, end = signal.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += signal[i]! * signal[i]!;
  return Math.sqrt(sum / Math.max(1, end - start));
}

export const toDb = (value: number): number => 20 * Math.log10(value);

/** The span where the signal is above `thresholdDb` (10 ms RMS windows): start and end sample indices. */
export function activeSpan(signal: Float32Array, sampleRate: number, thresholdDb: number): { start: number; end: number } | null {
  const win = Math.round(sampleRate * 0.01);
  let start = -1;
  let end = -1;
  for (let i = 0; i + win <= signal.length; i += win) {
    if (toDb(rms(signal, i, i + win)) > thresholdDb) {
      if (start < 0) start = i;
      end = i + win;
    }
  }
  return start < 0 ? null : { start, end };
}

/**
 * Runs of digital silence (|x| < 1e-4) of at least `minMs` inside [start, end): the signature of the ~10 ms hole
 * Chromium's fake capture inserts about once in ten runs (see shared/notes/toolchain.md, section 8).
 */
export function findHoles(signal: Float32Array, sampleRate: number, start: number, end: number, minMs = 5): number[] {
  const minRun = Math.round((sampleRate * minMs) / 1000);
  const holes: number[] = [];
  let run = 0;
  for (let i = start; i < end; i++) {
    if (Math.abs(signal[i]!) < 1e-4) run++;
    else {
      if (run >= minRun) holes.push(i - run);
      run = 0;
    }
  }
  if (run >= minRun) holes.push(end - run);
  return holes;
}

/** Real FFT magnitude spectrum of `frame` (length a power of two), Blackman-Harris windowed. Returns power per bin. */
export function powerSpectrum(frame: Float32Array): Float64Array {
  const n = frame.length;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  let windowSum = 0;
  for (let i = 0; i < n; i++) {
    const x = (2 * Math.PI * i) / (n - 1);
    const w = 0.35875 - 0.48829 * Math.cos(x) + 0.14128 * Math.cos(2 * x) - 0.01168 * Math.cos(3 * x);
    re[i] = frame[i]! * w;
    windowSum += w;
  }
  fft(re, im);
  const power = new Float64Array(n / 2 + 1);
  // Scaled so a full-scale sine gives a peak bin of 0 dBFS (power 1) summed over its main lobe's bins (~1).
  const scale = 2 / windowSum;
  for (let k = 0; k <= n / 2; k++) power[k] = (re[k]! * re[k]! + im[k]! * im[k]!) * scale * scale;
  return power;
}

function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(angle * k);
        const wi = Math.sin(angle * k);
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
}

/**
 * Frequency of the strongest component over [start, end), averaged over 8192-sample frames, with parabolic
 * interpolation of the peak on a log scale (accurate to ~0.1 Hz for a clean tone).
 */
export function dominantFrequency(signal: Float32Array, sampleRate: number, start: number, end: number): number {
  const n = 8192;
  const estimates: number[] = [];
  for (let offset = start; offset + n <= end; offset += n / 2) {
    const power = powerSpectrum(signal.subarray(offset, offset + n));
    let peak = 1;
    for (let k = 2; k < power.length - 1; k++) if (power[k]! > power[peak]!) peak = k;
    const a = Math.log(power[peak - 1]! + 1e-30);
    const b = Math.log(power[peak]! + 1e-30);
    const c = Math.log(power[peak + 1]! + 1e-30);
    const shift = (a - c) / (2 * (a - 2 * b + c));
    estimates.push(((peak + shift) * sampleRate) / n);
  }
  estimates.sort((x, y) => x - y);
  return estimates[estimates.length >> 1] ?? Number.NaN;
}

/**
 * The loudest frame's power in [lowHz, highHz], in dBFS (a full-scale sine = 0 dBFS), over 4096-sample
 * Blackman-Harris frames (side lobes at -92 dB, so a strong tone outside the band does not leak into it).
 */
export function maxBandLevelDb(signal: Float32Array, sampleRate: number, lowHz: number, highHz: number): { db: number; atSecond: number } {
  let best = { db: Number.NEGATIVE_INFINITY, atSecond: 0 };
  for (const { from, db } of bandLevels(signal, sampleRate, lowHz, highHz, 4096)) if (db > best.db) best = { db, atSecond: from };
  return best;
}

/**
 * The power in [lowHz, highHz] of every `n`-sample Blackman-Harris frame of `signal` (hop n/4), dBFS, with the span
 * each frame covers in seconds from `signal[0]`.
 */
export function bandLevels(
  signal: Float32Array,
  sampleRate: number,
  lowHz: number,
  highHz: number,
  n: number,
): { from: number; to: number; db: number }[] {
  const levels: { from: number; to: number; db: number }[] = [];
  for (let offset = 0; offset + n <= signal.length; offset += n / 4) {
    const power = powerSpectrum(signal.subarray(offset, offset + n));
    let sum = 0;
    for (let k = Math.ceil((lowHz * n) / sampleRate); k <= Math.floor((highHz * n) / sampleRate); k++) sum += power[k]!;
    // Blackman-Harris spreads one sine over ~4 bins; dividing by the window's noise bandwidth (2.0 bins) keeps 0 dBFS.
    levels.push({ from: offset / sampleRate, to: (offset + n) / sampleRate, db: 10 * Math.log10(sum / 2.0 + 1e-30) });
  }
  return levels;
}

/**
 * Normalised cross-correlation of `b` against `a` over lags [minLag, maxLag] (b delayed by lag), computed on the
 * window of `b` [bStart, bEnd). Returns the best lag and its coefficient (1 = identical shape).
 */
export function bestCorrelation(
  a: Float32Array,
  b: Float32Array,
  bStart: number,
  bEnd: number,
  minLag: number,
  maxLag: number,
  step = 1,
): { lag: number; ncc: number } {
  let best = { lag: minLag, ncc: -1 };
  let energyB = 0;
  for (let i = bStart; i < bEnd; i++) energyB += b[i]! * b[i]!;
  const scan = (from: number, to: number, by: number) => {
    for (let lag = from; lag <= to; lag += by) {
      let dot = 0;
      let energyA = 0;
      for (let i = bStart; i < bEnd; i++) {
        const j = i - lag;
        const x = j >= 0 && j < a.length ? a[j]! : 0;
        dot += x * b[i]!;
        energyA += x * x;
      }
      const ncc = dot / Math.sqrt(energyA * energyB + 1e-30);
      if (ncc > best.ncc) best = { lag, ncc };
    }
  };
  scan(minLag, maxLag, step);
  // Refine around the coarse peak at full resolution.
  if (step > 1) scan(Math.max(minLag, best.lag - step), Math.min(maxLag, best.lag + step), 1);
  return best;
}

/**
 * The share of `b`'s window [bStart, bEnd) that matches `a` piece by piece: each `segment`-sample piece gets its own
 * best lag within ±`drift` samples of the last matched piece's (starting at `lag`), and counts when its coefficient
 * reaches `threshold`. A time-stretching jitter buffer plays the source up to 15 % faster or slower for a while,
 * which moves the lag during one utterance: one lag for the whole window would call that a mismatch. A concealed
 * underrun moves it at once, by up to the concealed time: with `reacquire`, the piece after one that did not match
 * is searched within ±`reacquire` samples of the last matched piece's lag.
 */
export function matchedShare(
  a: Float32Array,
  b: Float32Array,
  bStart: number,
  bEnd: number,
  lag: number,
  { segment, drift, threshold, reacquire }: { segment: number; drift: number; threshold: number; reacquire?: number },
): { share: number; worst: number; lagMoved: number; nccs: number[] } {
  const nccs: number[] = [];
  let at = lag;
  let lastMatched = lag;
  let lost = false;
  for (let start = bStart; start + segment <= bEnd; start += segment) {
    const [center, reach] = lost && reacquire ? [lastMatched, reacquire] : [at, drift];
    const piece = bestCorrelation(a, b, start, start + segment, center - reach, center + reach, 2);
    nccs.push(piece.ncc);
    at = piece.lag;
    lost = piece.ncc < threshold;
    if (!lost) lastMatched = at;
  }
  const matched = nccs.filter((ncc) => ncc >= threshold).length;
  return { share: nccs.length ? matched / nccs.length : 0, worst: Math.min(1, ...nccs), lagMoved: at - lag, nccs };
}
