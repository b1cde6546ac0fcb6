/**
 * Starts reference servers on free ports for the browser tests and hands their URLs to them
 * (`inject('voiceServer')`, `inject('transportServer')`), so browser tests talk to real servers over real sockets.
 * The server is imported by path: the sdk package does not depend on `@savants/voice-server`, and the workspace
 * does not hoist it, so the package name does not resolve from here.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import { createVoiceServer, type VoiceServer } from '../../server/src/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    voiceServer: { url: string; wsUrl: string; apiKey: string };
    /**
     * A server of the transport tests' own (loopback agent; other agents through `?agent=`), so that counting its
     * sessions (`GET /health`) sees no other test file's sockets.
     */
    transportServer: { url: string; wsUrl: string; apiKey: string; controlUrl: string };
    /**
     * The randomized lifecycle test's own loopback server, with faults from outside (`lifecycleControl`), and its
     * run size: `SEQUENCES` and `SEED` from the environment.
     */
    lifecycleServer: { wsUrl: string; controlUrl: string; sequences: number; seed: number };
  }
}

/**
 * Closes a test HTTP server now: the pages' keep-alive connections (and a request still waiting, e.g. a 'slow'
 * token) would otherwise hold `close()` open, and the vitest process with it, after the last test.
 */
function closeHttp(http: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => http.close(() => resolve()));
  http.closeAllConnections();
  return closed;
}

/**
 * Test-only remote control of a server, for pages that cannot reach it in-process: `GET /stats` returns
 * `server.stats()`, `POST /drop` cuts every socket (a network failure). Loopback only, CORS open.
 */
async function controlServer(server: VoiceServer): Promise<{ url: string; close(): Promise<void> }> {
  const http = createServer((req, res) => {
    const headers = { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/json' };
    if (req.url === '/stats') return res.writeHead(200, headers).end(JSON.stringify(server.stats()));
    if (req.url === '/drop' && req.method === 'POST') {
      server.dropAllSockets();
      return res.writeHead(200, headers).end('{}');
    }
    res.writeHead(404, headers).end('{}');
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close: () => closeHttp(http),
  };
}

/**
 * Faults from outside for the randomized lifecycle test (test-only, loopback, CORS open), around a loopback server
 * that can be killed and started again on the same port:
 * `POST /token` answers like an app backend's `tokenUrl` (a real token from the server, or the fault set by
 * `POST /token-mode?mode=ok|401|429|500|slow`), `POST /drop` cuts every socket, `POST /restart?downMs=N` kills the
 * server and starts it again N ms later, `POST /reset` clears every fault (and waits for the server to be up).
 */
async function lifecycleControl(): Promise<{ wsUrl: string; url: string; close(): Promise<void> }> {
  const options = { port: 0, agent: 'loopback' as const, logger: () => {}, rateLimit: false as const, maxSocketsPerDevice: 100 };
  let server: VoiceServer | undefined = await createVoiceServer(options);
  const port = new URL(server.url).port;
  const apiKey = server.devApiKey;
  let mode = 'ok';
  let restarting: Promise<void> = Promise.resolve();
  let devices = 0;
  const http = createServer(async (req, res) => {
    const headers = { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };
    const url = new URL(req.url ?? '/', 'http://control');
    const send = (status: number, body: unknown) => res.writeHead(status, headers).end(JSON.stringify(body));
    if (req.method === 'OPTIONS') {
      return res.writeHead(204, { ...headers, 'Access-Control-Allow-Headers': '*', 'Access-Control-Allow-Methods': 'POST' }).end();
    }
    if (url.pathname === '/token') {
      if (mode === '401') return send(401, { error: { code: 'UNAUTHORIZED', message: 'log in first' } });
      if (mode === '429') return send(429, { error: { code: 'RATE_LIMITED', message: 'slow down', details: { retryAfter: 0.2 } } });
      if (mode === '500') return send(500, { error: { code: 'INTERNAL_ERROR', message: 'backend failed' } });
      if (mode === 'slow') await new Promise((resolve) => setTimeout(resolve, 600));
      const live = server;
      if (!live) return send(502, { error: { code: 'UPSTREAM_DOWN', message: 'the voice server is down' } });
      try {
        const upstream = await fetch(`${live.url}/api/websocket-voice/token`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ apiKey, deviceId: `lifecycle-${++devices}` }),
        });
        return res.writeHead(upstream.status, headers).end(await upstream.text());
      } catch {
        return send(502, { error: { code: 'UPSTREAM_DOWN', message: 'the voice server is down' } });
      }
    }
    if (url.pathname === '/token-mode') {
      mode = url.searchParams.get('mode') ?? 'ok';
      return send(200, {});
    }
    if (url.pathname === '/drop') {
      server?.dropAllSockets();
      return send(200, {});
    }
    if (url.pathname === '/restart') {
      const downMs = Number(url.searchParams.get('downMs') ?? 0);
      const dying = server;
      server = undefined;
      restarting = restarting.then(async () => {
        await dying?.close();
        await new Promise((resolve) => setTimeout(resolve, downMs));
        server ??= await createVoiceServer({ ...options, port: Number(port) });
      });
      return send(200, {});
    }
    if (url.pathname === '/reset') {
      mode = 'ok';
      await restarting;
      return send(200, { sessions: server?.stats().sessions ?? 0 });
    }
    send(404, {});
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  return {
    wsUrl: server.wsUrl,
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close: async () => {
      await restarting;
      await server?.close();
      await closeHttp(http);
    },
  };
}

export default async function setup(project: TestProject) {
  const server = await createVoiceServer({ port: 0, logger: () => {} });
  const transport = await createVoiceServer({ port: 0, agent: 'loopback', logger: () => {} });
  const control = await controlServer(transport);
  const lifecycle = await lifecycleControl();
  project.provide('voiceServer', { url: server.url, wsUrl: server.wsUrl, apiKey: server.devApiKey });
  project.provide('lifecycleServer', {
    wsUrl: lifecycle.wsUrl,
    controlUrl: lifecycle.url,
    sequences: Number(process.env.SEQUENCES ?? 100),
    seed: Number(process.env.SEED ?? 1),
  });
  project.provide('transportServer', { url: transport.url, wsUrl: transport.wsUrl, apiKey: transport.devApiKey, controlUrl: control.url });
  return async () => {
    await Promise.all([server.close(), transport.close(), control.close(), lifecycle.close()]);
  };
}
