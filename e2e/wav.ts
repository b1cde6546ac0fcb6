/**
 * 16-bit mono PCM WAV files: written for the fake microphone, read back from the server's recordings.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface Pcm {
  sampleRate: number;
  /** Samples in -1..1. */
  samples: Float32Array;
}

/** Writes `samples` (-1..1) as 16-bit mono PCM, rounding and clipping like the SDK's encoder. */
export function writeWav(file: string, sampleRate: number, samples: Float32Array): void {
  const data = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]!));
    data.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(s * 32767))), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  writeFileSync(file, Buffer.concat([header, data]));
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
