/** Aligns the page's two audio taps (microphone source, playback output) on the AudioContext's frame clock. */
import { type TapRecording, tapSamples } from './page-probe.ts';

export interface AlignedTaps {
  sampleRate: number;
  /** Context frame of index 0 of both arrays. */
  origin: number;
  /** Both signals indexed by the same context frame (offset by the earlier tap's start). */
  input: Float32Array;
  output: Float32Array;
}

export function alignTaps(input: TapRecording, output: TapRecording): AlignedTaps {
  const origin = Math.min(input.startFrame, output.startFrame);
  const place = (tap: TapRecording) => {
    const samples = tapSamples(tap);
    const out = new Float32Array(tap.startFrame - origin + samples.length);
    out.set(samples, tap.startFrame - origin);
    return out;
  };
  return { sampleRate: input.sampleRate, origin, input: place(input), output: place(output) };
}
