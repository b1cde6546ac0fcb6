/**
 * 16-bit mono PCM WAV files: written for the fake microphone, read back from the server's recordings.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
// Leaf modules by path: the global setup runs in Playwright's main process, without the `@savants/source`
// condition the package names would need (and before the SDK's dist is built).
import { floatToInt16 } from '../packages/sdk/src/dsp/pcm.ts';
import { wavHeader } from '../packages/server/src/wav.ts';

export interface Pcm {
  sampleRate: number;
  /** Samples in -1..1. */
  samples: Float32Array;
}

/** Writes `samples` (-1..1) as 16-bit mono PCM, rounded and clipped by the SDK's own encoder. */
export function writeWav(file: string, sampleRate: number, samples: Float32Array): void {
  const data = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) data.writeInt16LE(floatToInt16(samples[i]!), i * 2);
  // Written aside and renamed: engine steps run side by side (check.mjs), and a browser may be reading the file.
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, Buffer.concat([wavHeader(data.length, sampleRate), data]));
  renameSync(partial, file);
}

/** Reads a 16-bit PCM WAV, walking the chunks (the recorder's header is the canonical 44 bytes, others may not be). */
export function readWav(file: string): Pcm & { channels: number; bitsPerSample: number } {
  const buffer = readFileSync(file);
  if (buffer.toString('ascii', 0, 4) !== 'RIFF' || buffer.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${file} is not a WAV file`);
  let offset = 12;
  let format: { channels: number; sampleRate: number; bitsPerSample: number } | undefined;
  while (offset + 8 <= buffer.length) {
    const id = buffer.toString('ascii', offset, offset + 4);
    const size = buffer.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ')
      format = {
        channels: buffer.readUInt16LE(body + 2),
        sampleRate: buffer.readUInt32LE(body + 4),
        bitsPerSample: buffer.readUInt16LE(body + 14),
      };
    if (id === 'data') {
      if (format?.bitsPerSample !== 16) throw new Error(`${file}: only 16-bit PCM is read here`);
      const end = Math.min(buffer.length, body + size);
      const count = Math.floor((end - body) / 2 / format.channels);
      const samples = new Float32Array(count);
      for (let i = 0; i < count; i++) samples[i] = buffer.readInt16LE(body + i * 2 * format.channels) / 32768;
      return { ...format, samples };
    }
    offset = body + size + (size % 2);
  }
  throw new Error(`${file} has no data chunk`);
}
