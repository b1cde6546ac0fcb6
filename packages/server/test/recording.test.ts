import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RecordingSidecar } from '../src/index.ts';
import { closeServers, connectSession, eventually, frames, pcm, startServer } from './helpers.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'savants-rec-'));
afterEach(closeServers);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--record-dir', () => {
  it('writes what arrived as a 16 kHz mono 16-bit WAV named by session id, with a JSON sidecar', async () => {
    const server = await startServer({ agent: 'loopback', recordDir: dir });
    const { client, confirmation } = await connectSession(server, 'device-rec');
    const audio = pcm(500, (t) => 0.5 * Math.sin(2 * Math.PI * 1000 * t));
    const before = Date.now();
    client.send(new Uint8Array(3)); // refused: odd length, not recorded
    for (const f of frames(audio)) client.send(f);
    client.send(new Uint8Array(0)); // refused: empty
    await client.until(() => client.binaries.length === 25, 3000, 'loopback of every frame');
    client.ws.close(1000);
    await client.closed;
    const sessionId = confirmation.sessionId!;
    const sidecarPath = path.join(dir, `${sessionId}.json`);
    await eventually(() => readdirSync(dir).includes(`${sessionId}.json`), 3000, 'sidecar');

    const sidecar = JSON.parse(readFileSync(sidecarPath, 'utf8')) as RecordingSidecar;
    expect(sidecar).toMatchObject({
      sessionId,
      deviceId: 'device-rec',
      agent: 'loopback',
      wavFile: `${sessionId}.wav`,
      sampleRate: 16000,
      channels: 1,
      bitsPerSample: 16,
      frames: 25,
      bytes: audio.byteLength,
      durationMs: 500,
      invalidFrames: 2,
      invalidByReason: { empty: 1, odd_length: 1, too_large: 0 },
      closeCode: 1000,
    });
    expect(Date.parse(sidecar.firstFrameAt!)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(sidecar.lastFrameAt!)).toBeGreaterThanOrEqual(Date.parse(sidecar.firstFrameAt!));

    const wav = readFileSync(path.join(dir, `${sessionId}.wav`));
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(36 + audio.byteLength);
    expect(wav.toString('ascii', 8, 16)).toBe('WAVEfmt ');
    expect(wav.readUInt16LE(20)).toBe(1); // PCM
    expect(wav.readUInt16LE(22)).toBe(1); // mono
    expect(wav.readUInt32LE(24)).toBe(16_000);
    expect(wav.readUInt32LE(28)).toBe(32_000);
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.toString('ascii', 36, 40)).toBe('data');
    expect(wav.readUInt32LE(40)).toBe(audio.byteLength);
    expect(wav.subarray(44).equals(audio)).toBe(true);
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('finishes recordings of sessions still open at shutdown before close() resolves', async () => {
    const server = await startServer({ agent: 'loopback', recordDir: dir });
    const { client, confirmation } = await connectSession(server, 'device-rec2');
    for (const f of frames(pcm(100, () => 0.1))) client.send(f);
    await client.until(() => client.binaries.length === 5);
    await server.close();
    const sidecar = JSON.parse(readFileSync(path.join(dir, `${confirmation.sessionId}.json`), 'utf8')) as RecordingSidecar;
    expect(sidecar).toMatchObject({ frames: 5, bytes: 3200, closeCode: 1001 });
    expect(server.stats().recordingsInProgress).toBe(0);
  });
});
