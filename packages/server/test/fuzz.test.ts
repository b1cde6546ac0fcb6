import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { seededRandom } from '../../sdk/test/support/signal.ts';
import type { LogLevel } from '../src/index.ts';
import { closeServers, connectSession, eventually, fetchToken, startServer, TestClient } from './helpers.ts';

const FRAMES = 10_000;
const MAX_BYTES = 64 * 1024;

describe('fuzz', () => {
  it(`survives ${FRAMES} random frames before and after authentication and leaks nothing`, async () => {
    const levels: LogLevel[] = [];
    const server = await startServer({ rateLimit: false, authWindowMs: 2000, logger: (level) => levels.push(level) });
    const random = seededRandom(11);
    const int = (max: number) => Math.floor(random() * max);
    const bytes = (n: number) => {
      const b = Buffer.allocUnsafe(n);
      for (let i = 0; i + 4 <= n; i += 4) b.writeUInt32LE((random() * 2 ** 32) >>> 0, i);
      for (let i = n - (n % 4); i < n; i++) b[i] = int(256);
      return b;
    };
    const binary = () => {
      const kind = random();
      if (kind < 0.35) return bytes(640);
      if (kind < 0.55) return bytes(2 * (1 + int(4000))); // valid sizes up to 8000
      if (kind < 0.65) return bytes(2 * int(4000) + 1); // odd
      if (kind < 0.7) return Buffer.alloc(0);
      return bytes(1 + int(MAX_BYTES)); // up to 64 KB, mostly too large
    };
    const text = () => {
      const kind = random();
      if (kind < 0.3) return `${bytes(20).toString('base64url')}.${bytes(40).toString('base64url')}.${bytes(32).toString('base64url')}`;
      if (kind < 0.5) return JSON.stringify({ type: 'savant_voice_connected', n: int(1e6) });
      if (kind < 0.8) return bytes(1 + int(2048)).toString('latin1');
      return 'x'.repeat(1 + int(MAX_BYTES));
    };

    let sent = 0;
    let socketsOpened = 0;
    const stats = { preAuth: 0, postAuth: 0 };
    while (sent < FRAMES) {
      const batch = Array.from({ length: 16 }, async () => {
        const authenticate = random() < 0.5;
        const client = new TestClient(server.wsUrl);
        socketsOpened++;
        await client.opened;
        if (authenticate) {
          client.send(await fetchToken(server, `fuzz-${int(1000)}`));
          await client.until(() => client.texts.length > 0, 3000, 'confirmation');
          stats.postAuth++;
        } else stats.preAuth++;
        const count = authenticate ? 20 + int(80) : 1 + int(10);
        for (let i = 0; i < count && client.ws.readyState === WebSocket.OPEN; i++) {
          // After authentication text is rare (it ends the session); before it, half the frames are text.
          const isText = random() < (authenticate ? 0.03 : 0.5);
          client.send(isText ? text() : binary());
          sent++;
        }
        const ending = random();
        if (ending < 0.6) client.ws.close(1000);
        else if (ending < 0.8) client.ws.terminate();
        else await new Promise((resolve) => setTimeout(resolve, int(50))).then(() => client.ws.close());
        await client.closed;
      });
      await Promise.all(batch);
    }

    expect(sent).toBeGreaterThanOrEqual(FRAMES);
    expect(stats.preAuth).toBeGreaterThan(20);
    expect(stats.postAuth).toBeGreaterThan(20);
    await eventually(
      () => {
        const s = server.stats();
        return s.sessions === 0 && s.pendingSockets === 0 && s.sockets === 0 && s.timers === 0 && s.queuedMessages === 0;
      },
      5000,
      `no leaked sessions, sockets or timers: ${JSON.stringify(server.stats())}`,
    );
    expect(levels.filter((l) => l === 'error')).toEqual([]);

    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    const { client, confirmation } = await connectSession(server, 'after-fuzz', '?agent=loopback');
    expect(confirmation.type).toBe('savant_voice_connected');
    client.send(Buffer.alloc(640, 3));
    await client.until(() => client.binaries.length === 1);
    console.info(`fuzz: ${sent} frames over ${socketsOpened} sockets (${stats.preAuth} unauthenticated, ${stats.postAuth} authenticated)`);
    await closeServers();
  }, 60_000);
});
