/**
 * `--record-dir`: what each session really received, as `<sessionId>.wav` (16 kHz mono 16-bit) plus
 * `<sessionId>.json`. Audio is appended as it arrives; at the end the WAV header gets its sizes and the sidecar is
 * written last, atomically (temp file + rename), so a sidecar on disk means the WAV is complete.
 * @module
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { open, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { InvalidAudioFrameReason } from '@savants/voice/protocol';
import { bytesToMs } from './pcm.ts';
import { WAV_HEADER_BYTES, wavHeader } from './wav.ts';

/** The JSON sidecar of a recording. */
export interface RecordingSidecar {
  sessionId: string;
  deviceId: string;
  agent: string;
  wavFile: string;
  sampleRate: 16000;
  channels: 1;
  bitsPerSample: 16;
  /** Valid audio frames received (the ones in the WAV). */
  frames: number;
  /** Bytes of audio in the WAV. */
  bytes: number;
  durationMs: number;
  /** ISO-8601 arrival time of the first and last valid frame; null when none arrived. */
  firstFrameAt: string | null;
  lastFrameAt: string | null;
  /** Frames refused as INVALID_AUDIO_FRAME, by reason; not in the WAV. */
  invalidFrames: number;
  invalidByReason: Record<InvalidAudioFrameReason, number>;
  startedAt: string;
  endedAt: string;
  closeCode: number | null;
}

export class SessionRecorder {
  readonly #wavPath: string;
  readonly #jsonPath: string;
  readonly #stream: WriteStream;
  readonly #sidecar: RecordingSidecar;

  constructor(dir: string, sessionId: string, deviceId: string, agent: string) {
    this.#wavPath = path.join(dir, `${sessionId}.wav`);
    this.#jsonPath = path.join(dir, `${sessionId}.json`);
    this.#stream = createWriteStream(this.#wavPath);
    this.#stream.on('error', () => {}); // surfaced by finish(); a full disk must not crash the server
    this.#stream.write(wavHeader(0));
    this.#sidecar = {
      sessionId,
      deviceId,
      agent,
      wavFile: path.basename(this.#wavPath),
      sampleRate: 16000,
      channels: 1,
      bitsPerSample: 16,
      frames: 0,
      bytes: 0,
      durationMs: 0,
      firstFrameAt: null,
      lastFrameAt: null,
      invalidFrames: 0,
      invalidByReason: { empty: 0, odd_length: 0, too_large: 0 },
      startedAt: new Date().toISOString(),
      endedAt: '',
      closeCode: null,
    };
  }

  frame(pcm: Uint8Array): void {
    const now = new Date().toISOString();
    this.#sidecar.frames++;
    this.#sidecar.bytes += pcm.byteLength;
    this.#sidecar.firstFrameAt ??= now;
    this.#sidecar.lastFrameAt = now;
    this.#stream.write(pcm);
  }

  invalid(reason: InvalidAudioFrameReason): void {
    this.#sidecar.invalidFrames++;
    this.#sidecar.invalidByReason[reason]++;
  }

  /** Closes the WAV, patches its header, then writes the sidecar. */
  async finish(closeCode: number | null): Promise<RecordingSidecar> {
    const sidecar = this.#sidecar;
    sidecar.endedAt = new Date().toISOString();
    sidecar.closeCode = closeCode;
    sidecar.durationMs = Math.round(bytesToMs(sidecar.bytes));
    // end()'s callback carries the stream's error (a write that failed earlier, e.g. a full disk): a header patched
    // and a sidecar written after one would claim a complete WAV.
    await new Promise<void>((resolve, reject) => {
      this.#stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
    });
    const file = await open(this.#wavPath, 'r+');
    try {
      await file.write(wavHeader(sidecar.bytes), 0, WAV_HEADER_BYTES, 0);
    } finally {
      await file.close();
    }
    const tmp = `${this.#jsonPath}.tmp`;
    await writeFile(tmp, `${JSON.stringify(sidecar, null, 2)}\n`);
    await rename(tmp, this.#jsonPath);
    return sidecar;
  }
}
