/**
 * Test helpers: real HTTP and `ws` clients against a real server on port 0. Nothing here fakes the server.
 * @module
 */

import { request } from 'node:http';
import { type ConnectedMessage, ConnectedMessageSchema, type ErrorFrame, ErrorFrameSchema, TOKEN_PATH } from '@savants/voice/protocol';
import { type ClientOptions, WebSocket } from 'ws';
import { createVoiceServer, DEV_API_KEY, silentLogger, type VoiceServer, type VoiceServerOptions } from '../src/index.ts';

export const servers: VoiceServer[] = [];

/** A server on a free port with logs off; closed by `closeServers()` (call it in afterEach/afterAll). */
export async function startServer(options: VoiceServerOptions = {}): Promise<VoiceServer> {
  const server = await createVoiceServer({ port: 0, logger: silentLogger, ...options });
  servers.push(server);
  return server;
}

export async function closeServers(): Promise<void> {
  await Promise.all(servers.splice(0).map((s) => s.close()));
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  json: unknown;
}

export async function postToken(server: VoiceServer, body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const res = await fetch(`${server.url}${TOKEN_PATH}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, json };
}

/** `postToken` from a chosen local address (`127.0.0.2`…): a second client, as far as per-address limits can tell. */
export function postTokenFrom(
  server: VoiceServer,
  localAddress: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${TOKEN_PATH}`,
      {
        method: 'POST',
        localAddress,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString();
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
          let json: unknown = raw;
          try {
            json = JSON.parse(raw);
          } catch {}
          resolve({ status: res.statusCode ?? 0, headers: h, json });
        });
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

/** A token through the documented HTTP flow. */
export async function fetchToken(server: VoiceServer, deviceId = 'device-test'): Promise<string> {
  const answer = await postToken(server, { apiKey: DEV_API_KEY, deviceId });
  if (answer.status !== 200) throw new Error(`token request failed: ${answer.status} ${JSON.stringify(answer.json)}`);
  return (answer.json as { token: string }).token;
}

/** A `ws` client that records everything it receives. */
export class TestClient {
  readonly ws: WebSocket;
  readonly texts: string[] = [];
  readonly binaries: Buffer[] = [];
  readonly binaryTimes: number[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: Array<() => void> = [];

  /** `options.localAddress` (e.g. `127.0.0.2`) connects from another loopback address: per-address limits see a second client. */
  constructor(url: string, options?: ClientOptions) {
    this.ws = new WebSocket(url, options);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    this.ws.on('error', () => {}); // failures show up as the close code
    this.ws.on('message', (data, isBinary) => {
      if (isBinary) {
        this.binaries.push(data as Buffer);
        this.binaryTimes.push(performance.now());
      } else this.texts.push(data.toString());
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.ws.on('close', () => {
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** Resolves once `done()` holds (checked on every message), or rejects after `timeoutMs`. */
  async until(done: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The `n`-th text frame (0-based), parsed. */
  async text(n = 0): Promise<unknown> {
    await this.until(() => this.texts.length > n, 5000, `text frame #${n}`);
    return JSON.parse(this.texts[n]!);
  }

  async error(n = 0): Promise<ErrorFrame> {
    return ErrorFrameSchema.parse(await this.text(n));
  }

  get binaryBytes(): number {
    return this.binaries.reduce((n, b) => n + b.byteLength, 0);
  }

  /** All binary frames received so far, concatenated. */
  audio(): Buffer {
    return Buffer.concat(this.binaries);
  }

  send(data: string | Uint8Array): void {
    this.ws.send(data, { binary: typeof data !== 'string' });
  }
}

/** Opens a socket, sends `token` first, and returns the client (the confirmation may or may not follow). */
export async function openWithToken(server: VoiceServer, token: string, query = ''): Promise<TestClient> {
  const client = new TestClient(server.wsUrl + query);
  await client.opened;
  client.send(token);
  return client;
}

/** The documented flow end to end: token over HTTP, socket, token frame, confirmation. */
export async function connectSession(
  server: VoiceServer,
  deviceId = 'device-test',
  query = '',
): Promise<{ client: TestClient; confirmation: ConnectedMessage }> {
  const client = await openWithToken(server, await fetchToken(server, deviceId), query);
  const confirmation = ConnectedMessageSchema.parse(await client.text(0));
  return { client, confirmation };
}

/** Polls `condition` (server-side state) every 10 ms until true or `timeoutMs`. */
export async function eventually(condition: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Int16 LE PCM of `f(t)` (t in seconds, result in [-1, 1]) over `ms` at 16 kHz. */
export function pcm(ms: number, f: (t: number) => number): Buffer {
  const n = Math.round((ms / 1000) * 16_000);
  const out = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) out.writeInt16LE(Math.round(Math.max(-1, Math.min(1, f(i / 16_000))) * 32767), i * 2);
  return out;
}

/** Splits PCM into 20 ms (640-byte) frames. */
export function frames(buffer: Buffer, size = 640): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buffer.byteLength; i += size) out.push(buffer.subarray(i, Math.min(i + size, buffer.byteLength)));
  return out;
}

export function samples(buffer: Buffer): Int16Array {
  const out = new Int16Array(buffer.byteLength >> 1);
  for (let i = 0; i < out.length; i++) out[i] = buffer.readInt16LE(i * 2);
  return out;
}

/** Normalised cross-correlation of `b` against `a` at the best lag in [-maxLag, maxLag]. */
export function bestCorrelation(a: Int16Array, b: Int16Array, maxLag: number): { ncc: number; lag: number } {
  let best = { ncc: -1, lag: 0 };
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let i = 0; i < a.length; i++) {
      const j = i + lag;
      if (j < 0 || j >= b.length) continue;
      ab += a[i]! * b[j]!;
      aa += a[i]! * a[i]!;
      bb += b[j]! * b[j]!;
    }
    const ncc = aa && bb ? ab / Math.sqrt(aa * bb) : 0;
    if (ncc > best.ncc) best = { ncc, lag };
  }
  return best;
}
