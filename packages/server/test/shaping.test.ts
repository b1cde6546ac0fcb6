import { afterEach, describe, expect, it } from 'vitest';
import type { NetworkModel } from '../src/index.ts';
import { OutboundQueue } from '../src/outbound-queue.ts';
import { TimerRegistry } from '../src/timers.ts';
import { closeServers, connectSession, eventually, frames, pcm, startServer } from './helpers.ts';

afterEach(closeServers);

/** Fake network for timing control (said so): every message arrives `delayMs` after it was handed over. Records calls. */
function fixedDelay(delayMs: number, calls: Array<{ sendMs: number; bytes: number }>): NetworkModel {
  let last = 0;
  return {
    deliver(sendMs, bytes) {
      calls.push({ sendMs, bytes });
      last = Math.max(last, sendMs + delayMs);
      return last;
    },
  };
}

describe('network shaping of what the server sends', () => {
  it('asks the model, in order, when each message arrives, and sends it then', async () => {
    const calls: Array<{ sendMs: number; bytes: number }> = [];
    const server = await startServer({ agent: 'loopback', networkModel: () => fixedDelay(150, calls) });
    const { client } = await connectSession(server);
    const sentAt = performance.now();
    client.send(Buffer.alloc(640, 1));
    client.send(Buffer.alloc(320, 2));
    await client.until(() => client.binaries.length === 2, 2000, 'two delayed frames');
    expect(client.binaryTimes[0]! - sentAt).toBeGreaterThanOrEqual(148);
    expect(client.binaryTimes[0]! - sentAt).toBeLessThan(400);
    expect(calls.map((c) => c.bytes)).toEqual([640, 320]);
    expect(calls[1]!.sendMs).toBeGreaterThanOrEqual(calls[0]!.sendMs);
  });

  it.each(['lan', 'wifi', 'mobile', 'burst'] as const)(
    'shape %s (real model, from the socket query) keeps every frame, in order',
    async (shape) => {
      const server = await startServer({ agent: 'loopback' });
      const { client } = await connectSession(server, `device-${shape}`, `?shape=${shape}&seed=3`);
      const sent = Array.from({ length: 20 }, (_, i) => Buffer.alloc(640, i));
      for (const f of sent) client.send(f);
      // burst holds up to 3 s; the others deliver within a few hundred ms.
      await client.until(() => client.binaries.length === 20, 4000, `20 frames through ${shape}`);
      expect(client.binaries.map((b) => b[0])).toEqual(sent.map((b) => b[0]));
    },
  );
});

describe('OutboundQueue', () => {
  const setup = (maxQueued = 100) => {
    const registry = new TimerRegistry();
    const written: Array<Uint8Array | string> = [];
    const t0 = performance.now();
    const queue = new OutboundQueue({
      model: fixedDelay(0, []),
      timers: registry.scope(),
      maxQueued,
      now: () => performance.now() - t0,
      write: (m) => written.push(m),
    });
    return { registry, written, queue };
  };

  it('paces played audio at real time: queuedMs tracks what is still held in the server', () => {
    const { queue, written, registry } = setup();
    queue.play(pcm(200, () => 0.1)); // 10 frames
    expect(written.length).toBe(1); // the first frame is due now, the rest at 20 ms steps
    expect(queue.queuedMs).toBeGreaterThan(180);
    expect(registry.live).toBe(1);
    queue.close();
    expect(registry.live).toBe(0);
  });

  it('clear() drops audio not yet handed to the network (barge-in)', async () => {
    const { queue, written } = setup();
    queue.play(pcm(1000, () => 0.1)); // 50 frames over 1 s
    await eventually(() => written.length >= 5, 1000);
    const dropped = queue.clear();
    expect(dropped).toBeGreaterThan(35);
    expect(written.length + dropped + queue.length).toBe(50);
    expect(queue.queuedMs).toBe(0);
    queue.close();
  });

  it('is bounded: messages past maxQueued are dropped and counted', () => {
    const { queue } = setup(10);
    for (const f of frames(pcm(1000, () => 0.1))) queue.play(f);
    expect(queue.length).toBeLessThanOrEqual(10);
    expect(queue.overflowed).toBe(50 - 1 - 10);
    queue.close();
  });
});
