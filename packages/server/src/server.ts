/**
 * `createVoiceServer(options)`: the reference Voice API server on one `node:http` server. HTTP serves the token
 * endpoint; upgrades on `/voice-stream` go to `ws` (noServer mode); any other upgrade path gets 404.
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { SOCKET_ERRORS, type SocketErrorCode, STREAM_PATH, TOKEN_PATH } from '@savants/voice/protocol';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Agent } from './agents/agent.ts';
import { createAgent, isAgentName } from './agents/registry.ts';
import { digestKeys, loadApiKeys } from './api-keys.ts';
import { AuthThrottle } from './auth-throttle.ts';
import { sendHttpError, sendJson, sendPreflight } from './http-io.ts';
import { jsonLineLogger, type Logger } from './logger.ts';
import { createNetworkModel, SHAPE_NAMES, type ShapeName } from './network-model.ts';
import { DEFAULTS, type VoiceServerOptions } from './options.ts';
import { RateLimiter } from './rate-limiter.ts';
import { errorFrame } from './socket-frames.ts';
import { TimerRegistry, type TimerScope } from './timers.ts';
import { handleTokenRequest, type TokenEndpointDeps } from './token-endpoint.ts';
import { type MintOptions, TokenService } from './tokens.ts';
import { type SessionPlan, VoiceSocket, type VoiceSocketHost } from './voice-socket.ts';

/** Counts that must fall back to zero when nothing is connected (the fuzz test checks them). */
export interface VoiceServerStats {
  /** Authenticated sockets. */
  sessions: number;
  /** Sockets still waiting for (or verifying) their token. */
  pendingSockets: number;
  /** Sockets known to `ws`, in any state. */
  sockets: number;
  /** Live timers the server started (auth windows, pacing, agents, body deadlines). */
  timers: number;
  /** Outgoing messages queued across sessions. */
  queuedMessages: number;
  /** Token ids remembered to refuse reuse (bounded by the tokens of one lifetime). */
  usedTokens: number;
  /** Devices tracked by the rate limiter (bounded by the requests of one window). */
  rateLimitedDevices: number;
  /** Addresses and trusted keys tracked by the failed-auth throttle (bounded by the failures of one window). */
  throttledAddresses: number;
  /** Recordings still being finalised. */
  recordingsInProgress: number;
}

export interface VoiceServer {
  /** `http://host:port`: the API base URL. */
  readonly url: string;
  /** `ws://host:port/voice-stream`. */
  readonly wsUrl: string;
  readonly port: number;
  readonly host: string;
  /** The development API key (or the first configured key). */
  readonly devApiKey: string;
  stats(): VoiceServerStats;
  /** Mints a token outside the HTTP flow: only for crafting expired or odd tokens in tests. */
  mintToken(deviceId: string, options?: Partial<MintOptions>): Promise<string>;
  /** Marks a device inactive from now on (or `at`): new tokens get 401, tokens already issued get 4005. */
  deactivateDevice(deviceId: string, at?: Date): void;
  /** Cuts every socket without a close frame (a network failure), or closes them all with `code`. */
  dropAllSockets(code?: number): void;
  /** Stops listening and closes every socket with 1001 SERVER_SHUTDOWN; keeps keys, secret and port. */
  stop(): Promise<void>;
  /** Listens again on the same port after `stop()`; tokens minted before still verify. */
  start(): Promise<void>;
  /** `stop()`, then waits for recordings to be written. */
  close(): Promise<void>;
}

/**
 * Starts a reference server and resolves once it listens.
 * @example
 * const server = await createVoiceServer({ port: 0, agent: 'loopback', logger: silentLogger });
 * const res = await fetch(`${server.url}/api/websocket-voice/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
 *   body: JSON.stringify({ apiKey: server.devApiKey, deviceId: 'my-device' }) });
 * await server.close();
 */
export async function createVoiceServer(options: VoiceServerOptions = {}): Promise<VoiceServer> {
  const o = { ...DEFAULTS, ...stripUndefined(options) };
  const log: Logger = options.logger ?? jsonLineLogger();
  const apiKeys = loadApiKeys(options);
  if (apiKeys.length === 0) throw new Error('createVoiceServer: no API keys configured');
  if (!SHAPE_NAMES.includes(o.shape)) throw new Error(`createVoiceServer: unknown shape ${o.shape}`);
  const defaultAgent: Agent = typeof o.agent === 'string' ? createAgent(o.agent, o.agentOptions) : o.agent;
  const modelFor = options.networkModel ?? createNetworkModel;

  const timers = new TimerRegistry();
  const tokens = new TokenService(options.jwtSecret);
  const inactiveDevices = new Map<string, string>(Object.entries(options.inactiveDevices ?? DEFAULTS.inactiveDevices));
  const rateLimiter = o.rateLimit ? new RateLimiter(o.rateLimit) : null;
  const authThrottle = o.authFailureLimit ? new AuthThrottle(o.authFailureLimit) : null;
  const clientAddress = options.clientAddress ?? ((req: IncomingMessage) => req.socket.remoteAddress ?? '');
  const sockets = new Set<VoiceSocket>();
  const recordings = new Set<Promise<unknown>>();
  let sessionCount = 0;
  // Counts are derived from the live sockets (tens at most), so no counter can drift from them.
  const countSockets = (match: (socket: VoiceSocket) => boolean) => {
    let n = 0;
    for (const socket of sockets) if (match(socket)) n++;
    return n;
  };
  const sessions = () => countSockets((s) => s.authenticated);

  const host: VoiceSocketHost = {
    tokens,
    log,
    authWindowMs: o.authWindowMs,
    maxQueuedMessages: o.maxQueuedMessages,
    recordDir: o.recordDir,
    inactiveDevices,
    hasRoomFor: (deviceId) => countSockets((s) => s.authenticated && s.deviceId === deviceId) < o.maxSocketsPerDevice,
    sessionOpened: () => sessionCount++,
    planSession(q, index): SessionPlan {
      const agentName = q.get('agent');
      const agent = agentName && isAgentName(agentName) ? createAgent(agentName, o.agentOptions) : defaultAgent;
      const shape = (q.get('shape') as ShapeName | null) ?? o.shape;
      const seed = q.has('seed') ? Number(q.get('seed')) : o.shapeSeed + index;
      return { agent, model: modelFor(shape, seed), params: q };
    },
    socketClosed(socket, recording) {
      sockets.delete(socket);
      if (recording) {
        recordings.add(recording);
        void recording.finally(() => recordings.delete(recording));
      }
    },
  };

  const httpTimers = timers.scope();
  const tokenDeps: TokenEndpointDeps = {
    apiKeys: digestKeys(apiKeys),
    authThrottle,
    clientAddress,
    inactiveDevices,
    rateLimiter,
    tokens,
    tokenTtlSeconds: o.tokenTtlSeconds,
    corsOrigins: o.corsOrigins,
    maxBodyBytes: o.maxBodyBytes,
    bodyTimeoutMs: o.bodyTimeoutMs,
    timers: httpTimers,
    log,
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === TOKEN_PATH) {
      if (req.method === 'POST') {
        handleTokenRequest(req, res, tokenDeps).catch((error: unknown) => {
          log('error', 'token.failed', { error: String(error) });
          sendHttpError(res, 'INTERNAL_ERROR');
        });
      } else if (req.method === 'OPTIONS') sendPreflight(req, res, o.corsOrigins);
      else sendHttpError(res, 'METHOD_NOT_ALLOWED', { headers: { Allow: 'POST, OPTIONS' } });
      return;
    }
    if (path === '/health' && req.method === 'GET') return sendJson(res, 200, { status: 'ok', sessions: sessions() });
    sendHttpError(res, 'NOT_FOUND');
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: o.maxPayloadBytes, perMessageDeflate: false });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const address = clientAddress(req);
    // Query overrides (agent=drop…) only for the clients allowed them; everyone else's query is ignored.
    const overrides = o.allowQueryOverrides === true || (o.allowQueryOverrides === 'loopback' && isLoopbackAddress(address));
    const params = overrides ? url.searchParams : new URLSearchParams();
    const refusal = url.pathname !== STREAM_PATH ? '404 Not Found' : badOverride(params);
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const pending = countSockets((s) => s.pending && s.address === address);
      if (pending >= o.maxPendingSocketsPerAddress) {
        log('warn', 'socket.pending_limit', { address, pending });
        refuseAtOnce(ws, timers.scope(), 'PENDING_SOCKET_LIMIT', { limit: o.maxPendingSocketsPerAddress });
        return;
      }
      sockets.add(new VoiceSocket(ws, host, timers.scope(), params, address));
    });
  };

  let server: Server | null = null;
  let port = o.port;
  const start = async () => {
    if (server) return;
    const s = createServer({ headersTimeout: 10_000, requestTimeout: 30_000 }, onRequest);
    s.on('upgrade', onUpgrade);
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, o.host, () => {
        s.off('error', reject);
        resolve();
      });
    });
    port = (s.address() as AddressInfo).port;
    server = s;
    log('info', 'server.listening', { url: `http://${hostForUrl(o.host)}:${port}` });
  };

  const stop = async () => {
    const s = server;
    if (!s) return;
    server = null;
    const closed = new Promise<void>((resolve) => s.close(() => resolve()));
    const allGone = waitUntil(() => sockets.size === 0, o.shutdownGraceMs);
    for (const socket of sockets) socket.fail('SERVER_SHUTDOWN');
    if (!(await allGone)) for (const socket of sockets) socket.drop();
    s.closeAllConnections();
    await closed;
    log('info', 'server.stopped', {});
  };

  await start();
  const hostname = hostForUrl(o.host);
  return {
    get url() {
      return `http://${hostname}:${port}`;
    },
    get wsUrl() {
      return `ws://${hostname}:${port}${STREAM_PATH}`;
    },
    get port() {
      return port;
    },
    host: o.host,
    devApiKey: apiKeys[0]!.key,
    stats: () => ({
      sessions: sessions(),
      pendingSockets: countSockets((s) => !s.authenticated),
      sockets: wss.clients.size,
      timers: timers.live,
      queuedMessages: [...sockets].reduce((n, s) => n + s.queued, 0),
      usedTokens: tokens.usedTokens,
      rateLimitedDevices: rateLimiter?.size ?? 0,
      throttledAddresses: authThrottle?.size ?? 0,
      recordingsInProgress: recordings.size,
    }),
    mintToken: (deviceId, mint = {}) =>
      tokens.mint(deviceId, { ttlSeconds: mint.ttlSeconds ?? o.tokenTtlSeconds, ageSeconds: mint.ageSeconds ?? 0 }),
    deactivateDevice(deviceId, at = new Date()) {
      inactiveDevices.set(deviceId, at.toISOString().replace(/\.\d{3}Z$/, 'Z'));
    },
    dropAllSockets(code) {
      for (const socket of sockets) socket.drop(code);
    },
    stop,
    start,
    async close() {
      await stop();
      await Promise.allSettled([...recordings]);
    },
  };
}

/** Why the socket URL's query is refused (`400 Bad Request`), or null. Unknown parameters are ignored. */
function badOverride(params: URLSearchParams): string | null {
  const agent = params.get('agent');
  const shape = params.get('shape');
  const seed = params.get('seed');
  if (agent !== null && !isAgentName(agent)) return '400 Bad Request';
  if (shape !== null && !(SHAPE_NAMES as readonly string[]).includes(shape)) return '400 Bad Request';
  if (seed !== null && !Number.isInteger(Number(seed))) return '400 Bad Request';
  return null;
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(address: string): boolean {
  return address === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.test(address);
}

/** How long a refused socket may take to answer the close frame before it is cut. */
const REFUSAL_GRACE_MS = 1000;

/**
 * An error frame and its close code for a socket the server will not serve at all, then a cut if the peer does not
 * answer the close frame quickly: refused sockets must not linger for `ws`'s 30 s close timeout.
 */
function refuseAtOnce(ws: WebSocket, timers: TimerScope, code: SocketErrorCode, details: Record<string, unknown>): void {
  ws.on('error', () => {});
  ws.once('close', () => timers.clearAll());
  ws.send(errorFrame(code, details));
  ws.close(SOCKET_ERRORS[code].close ?? 1011, code);
  timers.set(() => ws.terminate(), REFUSAL_GRACE_MS);
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Resolves true once `done()` holds, false after `timeoutMs`; polls every 10 ms (shutdown only). */
async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
