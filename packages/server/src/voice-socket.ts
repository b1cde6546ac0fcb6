/**
 * One `/voice-stream` connection, from upgrade to close: JWT first (within the auth window), then the confirmation,
 * then audio. Every failure sends an error frame and closes with the code from the shared `SOCKET_ERRORS` table.
 * Before authentication a socket holds only its auth timer; everything it owned is released on `close`.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { SOCKET_ERRORS, type SocketErrorCode } from '@savants/voice/protocol';
import { WebSocket } from 'ws';
import type { Agent, AgentSession } from './agents/agent.ts';
import { type Logger, redact } from './logger.ts';
import type { NetworkModel } from './network-model.ts';
import { OutboundQueue } from './outbound-queue.ts';
import { SessionRecorder } from './recorder.ts';
import { checkAudioFrame, confirmationFrame, errorFrame } from './socket-frames.ts';
import type { TimerScope } from './timers.ts';
import type { TokenService } from './tokens.ts';

/** A token longer than this is not even handed to the JWT library. */
const MAX_TOKEN_CHARS = 8192;

type State = 'awaiting_token' | 'verifying' | 'open' | 'closing' | 'closed';

/** What a socket needs from the server around it. */
export interface VoiceSocketHost {
  readonly tokens: TokenService;
  readonly log: Logger;
  readonly authWindowMs: number;
  readonly maxQueuedMessages: number;
  readonly recordDir: string | undefined;
  readonly inactiveDevices: ReadonlyMap<string, string>;
  /** Whether `deviceId` may open one more session now. */
  hasRoomFor(deviceId: string): boolean;
  /** The agent and network model of a new session, chosen from the socket URL's query. */
  planSession(params: URLSearchParams, sessionIndex: number): SessionPlan;
  /** Called once authenticated (the socket counts as a session from here on); returns the session's index. */
  sessionOpened(): number;
  /** Called exactly once, when the socket has closed. */
  socketClosed(socket: VoiceSocket, recording: Promise<unknown> | null): void;
}

/** Per-session choices, made when the token is accepted (a socket that never authenticates holds none). */
export interface SessionPlan {
  agent: Agent;
  model: NetworkModel;
  params: URLSearchParams;
}

export class VoiceSocket {
  readonly ws: WebSocket;
  readonly #host: VoiceSocketHost;
  readonly #timers: TimerScope;
  readonly #params: URLSearchParams;
  /** The client's address (the per-address limits count by it). */
  readonly address: string;
  #state: State = 'awaiting_token';
  #authTimer: ReturnType<typeof setTimeout> | null;
  #sessionId: string | null = null;
  #deviceId: string | null = null;
  #out: OutboundQueue | null = null;
  #agent: AgentSession | null = null;
  #recorder: SessionRecorder | null = null;

  constructor(ws: WebSocket, host: VoiceSocketHost, timers: TimerScope, params: URLSearchParams, address: string) {
    this.ws = ws;
    this.address = address;
    this.#host = host;
    this.#timers = timers;
    this.#params = params;
    this.#authTimer = timers.set(() => this.fail('AUTH_TIMEOUT'), host.authWindowMs);
    ws.on('message', (data, isBinary) => this.#onMessage(data as Buffer, isBinary));
    ws.on('close', (code) => this.#onClose(code));
    // ws reports protocol violations (e.g. a message over maxPayload) here, then closes: log, never throw.
    ws.on('error', (error) => host.log('warn', 'socket.error', { sessionId: this.#sessionId, error: error.message }));
  }

  /** Still waiting for its token, or verifying it: what the per-address cap on unauthenticated sockets counts. */
  get pending(): boolean {
    return this.#state === 'awaiting_token' || this.#state === 'verifying';
  }
  get authenticated(): boolean {
    return this.#sessionId !== null;
  }
  get sessionId(): string | null {
    return this.#sessionId;
  }
  get deviceId(): string | null {
    return this.#deviceId;
  }
  /** Outgoing messages waiting. */
  get queued(): number {
    return this.#out?.length ?? 0;
  }

  /** Sends the error frame for `code` and closes with that code's close code (fatal codes only). */
  fail(code: SocketErrorCode, details?: Record<string, unknown>): void {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    this.#state = 'closing';
    this.#timers.clear(this.#authTimer);
    this.#out?.close();
    const closeCode = SOCKET_ERRORS[code].close ?? 1011;
    this.#host.log(code === 'SERVER_SHUTDOWN' ? 'debug' : 'info', 'socket.fail', { sessionId: this.#sessionId, code, closeCode });
    if (this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(errorFrame(code, details));
      this.ws.close(closeCode, code);
    } else {
      this.ws.terminate();
    }
  }

  /** Closes with `code` and no error frame, or cuts the connection when `code` is omitted (a network failure). */
  drop(code?: number): void {
    if (this.#state === 'closed') return;
    this.#state = 'closing';
    this.#out?.close();
    if (code === undefined || this.ws.readyState !== WebSocket.OPEN) this.ws.terminate();
    else this.ws.close(code);
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    if (this.#state === 'awaiting_token') {
      if (isBinary) this.fail('BINARY_BEFORE_AUTH');
      else {
        this.#authenticate(data.toString('utf8')).catch((error: unknown) => {
          // Not expected (token errors are results, not throws), but a rejection here must not take the process down.
          this.#host.log('error', 'socket.auth_crashed', { error: String(error) });
          this.fail('INTERNAL_ERROR');
        });
      }
    } else if (this.#state === 'verifying') {
      this.fail(isBinary ? 'BINARY_BEFORE_AUTH' : 'UNEXPECTED_TEXT_FRAME');
    } else if (this.#state === 'open') {
      if (isBinary) this.#onAudio(data);
      else this.fail('UNEXPECTED_TEXT_FRAME');
    }
    // closing or closed: whatever still arrives is ignored
  }

  async #authenticate(token: string): Promise<void> {
    this.#state = 'verifying';
    this.#timers.clear(this.#authTimer);
    this.#authTimer = null;
    const result =
      token.length > MAX_TOKEN_CHARS
        ? ({ ok: false, code: 'TOKEN_INVALID', reason: 'too_long' } as const)
        : await this.#host.tokens.verifyAndConsume(token);
    if (this.#state !== 'verifying') return; // closed while verifying
    if (!result.ok) {
      this.#host.log('info', 'socket.auth_failed', { code: result.code, reason: result.reason, token: redact(token) });
      return this.fail(result.code);
    }
    const deviceId = result.claims.sub;
    const deactivatedAt = this.#host.inactiveDevices.get(deviceId);
    if (deactivatedAt !== undefined) return this.fail('DEVICE_INACTIVE', { deviceId, deactivatedAt });
    if (!this.#host.hasRoomFor(deviceId)) return this.fail('CONNECTION_LIMIT', { deviceId });

    this.#state = 'open';
    this.#deviceId = deviceId;
    this.#sessionId = `sess_${randomBytes(9).toString('base64url')}`;
    const sessionIndex = this.#host.sessionOpened();
    const plan = this.#host.planSession(this.#params, sessionIndex);
    const started = performance.now();
    this.#out = new OutboundQueue({
      model: plan.model,
      timers: this.#timers,
      maxQueued: this.#host.maxQueuedMessages,
      now: () => performance.now() - started,
      write: (message) => {
        if (this.ws.readyState === WebSocket.OPEN) this.ws.send(message, { binary: typeof message !== 'string' });
      },
    });
    if (this.#host.recordDir) this.#recorder = new SessionRecorder(this.#host.recordDir, this.#sessionId, deviceId, plan.agent.name);
    this.#host.log('info', 'session.open', {
      sessionId: this.#sessionId,
      deviceId,
      agent: plan.agent.name,
      jti: redact(result.claims.jti),
    });
    if (plan.agent.confirms !== false) this.ws.send(confirmationFrame(this.#sessionId));
    this.#guard('start', () => {
      this.#agent = plan.agent.start({
        sessionId: this.#sessionId!,
        deviceId,
        out: this.#out!,
        timers: this.#timers,
        log: this.#host.log,
        params: this.#params,
        drop: () => this.drop(),
      });
    });
  }

  /** An agent that throws ends its session with INTERNAL_ERROR (1011), never the server. */
  #guard(what: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.#host.log('error', `agent.${what}_failed`, { sessionId: this.#sessionId, error: String(error) });
      this.fail('INTERNAL_ERROR');
    }
  }

  #onAudio(frame: Buffer): void {
    const invalid = checkAudioFrame(frame.byteLength);
    if (invalid) {
      this.#recorder?.invalid(invalid.reason);
      // Non-fatal (SOCKET_ERRORS.INVALID_AUDIO_FRAME.close is null): the frame is dropped, the session goes on.
      this.ws.send(errorFrame('INVALID_AUDIO_FRAME', { ...invalid }));
      return;
    }
    const pcm = new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength);
    this.#recorder?.frame(pcm);
    if (this.#agent) this.#guard('audio', () => this.#agent!.onAudio(pcm));
  }

  #onClose(code: number): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#timers.clearAll();
    this.#out?.close();
    try {
      this.#agent?.onClose?.();
    } catch (error) {
      this.#host.log('error', 'agent.close_failed', { sessionId: this.#sessionId, error: String(error) });
    }
    const recording = this.#recorder?.finish(code).catch((error: unknown) => {
      this.#host.log('error', 'recording.failed', { sessionId: this.#sessionId, error: String(error) });
    });
    if (this.#sessionId) this.#host.log('info', 'session.close', { sessionId: this.#sessionId, code });
    this.#host.socketClosed(this, recording ?? null);
  }
}
