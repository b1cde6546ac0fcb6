/**
 * Starts reference servers on free ports for the browser tests and hands their URLs to them
 * (`inject('voiceServer')`, `inject('transportServer')`), so browser tests talk to real servers over real sockets.
 * The server is imported by path: the sdk package does not depend on `@savants/voice-server`, and the workspace
 * does not hoist it, so the package name does not resolve from here.
 */
import { createServer } from 'node:http';
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
  }
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
    close: () => new Promise<void>((resolve) => http.close(() => resolve())),
  };
}

export default async function setup(project: TestProject) {
  const server = await createVoiceServer({ port: 0, logger: () => {} });
  const transport = await createVoiceServer({ port: 0, agent: 'loopback', logger: () => {} });
  const control = await controlServer(transport);
  project.provide('voiceServer', { url: server.url, wsUrl: server.wsUrl, apiKey: server.devApiKey });
  project.provide('transportServer', { url: transport.url, wsUrl: transport.wsUrl, apiKey: transport.devApiKey, controlUrl: control.url });
  return async () => {
    await Promise.all([server.close(), transport.close(), control.close()]);
  };
}
