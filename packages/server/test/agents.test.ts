import { ErrorFrameSchema, parseServerText } from '@savants/voice/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { zeroCrossingFrequency } from '../../sdk/test/support/signal.ts';
import { GARBAGE_SEQUENCE } from '../src/index.ts';
import {
  bestCorrelation,
  closeServers,
  connectSession,
  eventually,
  fetchToken,
  frames,
  openWithToken,
  pcm,
  samples,
  startServer,
} from './helpers.ts';

afterEach(closeServers);

/** A 600 ms "utterance": a chirp 300 → 2000 Hz at about -9 dBFS, easy to correlate, then 800 ms of digital silence. */
const utterance = pcm(600, (t) => 0.35 * Math.sin(2 * Math.PI * (300 * t + (1700 / 1.2) * t * t)));
const silence = pcm(800, () => 0);

describe('echo agent', () => {
  it('speaks the utterance back after the silence; the echo correlates with what was sent (NCC ≥ 0.99)', async () => {
    const server = await startServer({ agent: 'echo' });
    const { client } = await connectSession(server, 'device-echo', '?pace=8');
    // Audio time, not wall time, drives the VAD: the frames can go out back to back.
    for (const f of frames(Buffer.concat([utterance, silence]))) client.send(f);
    await client.until(() => client.binaryBytes >= utterance.byteLength, 5000, 'echo');
    await new Promise((resolve) => setTimeout(resolve, 100)); // the 100 ms tail, at 8× pace
    const echoed = samples(client.audio());
    const sent = samples(utterance);
    // The echo is the utterance plus at most the kept tail (100 ms of silence): nothing is cut, little is added.
    expect(echoed.length).toBeGreaterThanOrEqual(sent.length);
    expect(echoed.length).toBeLessThanOrEqual(sent.length + 1600);
    const { ncc, lag } = bestCorrelation(sent, echoed.subarray(0, sent.length), 64);
    expect(ncc).toBeGreaterThan(0.99);
    expect(lag).toBe(0);
    expect(client.binaries.every((b) => b.byteLength === 640)).toBe(true);
  });

  it('sends the echo at real-time pace by default: 20 ms frames about 20 ms apart', async () => {
    const server = await startServer({ agent: 'echo' });
    const { client } = await connectSession(server);
    for (const f of frames(Buffer.concat([pcm(300, (t) => 0.4 * Math.sin(2 * Math.PI * 500 * t)), silence]))) client.send(f);
    await client.until(() => client.binaries.length >= 20, 3000, '20 echo frames');
    const times = client.binaryTimes.slice(0, 20);
    const spanMs = times[19]! - times[0]!;
    // 19 intervals of 20 ms = 380 ms; timers only ever fire late, so allow some slack above, little below.
    expect(spanMs).toBeGreaterThan(360);
    expect(spanMs).toBeLessThan(480);
  });

  it('sends faster than real time with agentOptions.echo.pace (as TTS servers do)', async () => {
    const server = await startServer({ agent: 'echo', agentOptions: { echo: { pace: 8 } } });
    const { client } = await connectSession(server);
    for (const f of frames(Buffer.concat([pcm(800, (t) => 0.4 * Math.sin(2 * Math.PI * 500 * t)), silence]))) client.send(f);
    await client.until(() => client.binaries.length >= 40, 3000, '40 echo frames');
    const spanMs = client.binaryTimes[39]! - client.binaryTimes[0]!;
    // 800 ms of audio at 8× is 100 ms (39 intervals of 2.5 ms ≈ 98 ms); real time would be 780 ms.
    expect(spanMs).toBeLessThan(300);
  });

  it('stays silent while only silence (or low noise) arrives', async () => {
    const server = await startServer({ agent: 'echo' });
    const { client } = await connectSession(server, 'device-quiet', '?pace=8');
    let seed = 7;
    const noise = pcm(1500, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return ((seed / 2 ** 31) * 2 - 1) * 0.003; // about -56 dBFS RMS: under the -50 dBFS threshold
    });
    for (const f of frames(noise)) client.send(f);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(client.binaries.length).toBe(0);
  });
});

describe('loopback agent', () => {
  it('returns every frame unchanged and in order', async () => {
    const server = await startServer({ agent: 'loopback' });
    const { client } = await connectSession(server);
    const sent = Array.from({ length: 50 }, (_, i) => Buffer.alloc(320 + (i % 5) * 2, i));
    for (const f of sent) client.send(f);
    await client.until(() => client.binaries.length === 50, 3000, '50 frames back');
    expect(client.binaries.map((b) => b.toString('hex'))).toEqual(sent.map((b) => b.toString('hex')));
  });
});

describe('tone agent', () => {
  it('streams 440 Hz at -6 dBFS peak in 20 ms frames at real-time pace', async () => {
    const server = await startServer({ agent: 'tone' });
    const { client } = await connectSession(server);
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 600));
    const elapsed = performance.now() - started;
    const audio = samples(client.audio());
    expect(client.binaries.every((b) => b.byteLength === 640)).toBe(true);
    // Paced in the server (the 200 ms lead stays there): the client has received about `elapsed` ms of audio.
    const audioMs = (audio.length / 16_000) * 1000;
    expect(audioMs).toBeGreaterThan(elapsed - 80);
    expect(audioMs).toBeLessThan(elapsed + 40);
    expect(zeroCrossingFrequency(audio, 16_000)).toBeCloseTo(440, 0);
    const peak = Math.max(...audio.map(Math.abs));
    expect(20 * Math.log10(peak / 32767)).toBeCloseTo(-6, 1);
  });

  it('takes the frequency from the socket query', async () => {
    const server = await startServer({ agent: 'echo' });
    const { client } = await connectSession(server, 'device-t', '?agent=tone&freq=1000');
    await client.until(() => client.binaries.length >= 10);
    expect(zeroCrossingFrequency(samples(client.audio()), 16_000)).toBeCloseTo(1000, 0);
  });
});

describe('scripted failure agents', () => {
  it('silent-confirm authenticates but never confirms', async () => {
    const server = await startServer({ agent: 'silent-confirm' });
    const client = await openWithToken(server, await fetchToken(server));
    await eventually(() => server.stats().sessions === 1, 2000, 'authenticated session');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(client.texts).toEqual([]);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });

  it('garbage sends its documented sequence, then valid audio, and stays open', async () => {
    const server = await startServer({ agent: 'loopback' });
    const { client } = await connectSession(server, 'device-g', '?agent=garbage');
    const textItems = GARBAGE_SEQUENCE.filter((g) => typeof g.message() === 'string').length;
    await client.until(() => client.texts.length >= 1 + textItems && client.binaries.length >= 3 + 10, 3000, 'garbage');
    const kinds = client.texts.slice(1).map((t) => parseServerText(t));
    expect(kinds.map((k) => k.kind)).toEqual(['invalid', 'other', 'invalid', 'invalid', 'invalid', 'error']);
    expect(ErrorFrameSchema.parse(JSON.parse(client.texts[6]!)).error.code).toBe('SCRIPTED_UNKNOWN_CODE');
    expect(client.binaries.slice(0, 3).map((b) => b.byteLength)).toEqual([641, 0, 65_538]);
    expect(client.binaries.slice(3).every((b) => b.byteLength === 640)).toBe(true);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });

  it('drop streams audio and then cuts the connection after `after` ms (1006)', async () => {
    const server = await startServer();
    const started = performance.now();
    const { client } = await connectSession(server, 'device-d', '?agent=drop&after=300');
    const closed = await client.closed;
    const elapsed = performance.now() - started;
    expect(closed.code).toBe(1006);
    expect(elapsed).toBeGreaterThan(290);
    expect(elapsed).toBeLessThan(1000);
    expect(client.binaries.length).toBeGreaterThan(10);
    await eventually(() => server.stats().sessions === 0 && server.stats().timers === 0);
  });
});
