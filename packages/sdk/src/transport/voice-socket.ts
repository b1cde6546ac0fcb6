/**
 * The socket controller: fetches a fresh token, opens the socket, sends the raw JWT as the first frame, waits for
 * the confirmation, then moves PCM both ways; survives the network with a reconnect policy and holds the
 * microphone's audio while it is away. One socket at a time per instance, never more.
 * @module
 */
import { isVoiceError, VoiceError } from '../errors.ts';
import { TypedEventTarget } from '../events.ts';
import type { ConnectionOptions, TimerHandle, WebSocketConstructor, WebSocketLike } from '../options.ts';
import { loadDeviceId } from '../persistence/device-id.ts';
import { SOCKET_ERRORS, type SocketErrorCode } from '../protocol/codes.ts';
import { MAX_AUDIO_FRAME_BYTES } from '../protocol/constants.ts';
import { parseServerText } from '../protocol/parse.ts';
import type { ConnectedMessage } from '../protocol/schemas.ts';
import { errorForClose } from './close-error.ts';
import { BoundedFrameQueue } from './frame-queue.ts';
import { type AudioSink, IncomingAudio } from './incoming-audio.ts';
import { type ResolvedConnectionOptions, resolveConnectionOptions } from './resolve-options.ts';
import { decideRetry } from './retry-decision.ts';
import { SendQueue, type SendResult } from './send-queue.ts';
import type { ConnectionState, DisconnectReason, VoiceSocketEvents } from './socket-events.ts';
import { TokenRateGuard } from './token-rate-guard.ts';
import { type FetchToken, tokenFetcher } from './token-source.ts';
import { type TransportStats, zeroCounters } from './transport-stats.ts';

export type { ConnectionState, DisconnectReason, VoiceSocketEvents } from './socket-events.ts';
export type { TransportStats } from './transport-stats.ts';

/** `WebSocket.OPEN`, spelled out: the injected constructor need not carry the static constants. */
const OPEN = 1;

const RECONNECT_STATES: ReadonlySet<ConnectionState> = new Set(['fetching-token', 'connecting', 'authenticating', 'reconnecting']);

function isArrayBuffer(value: unknown): value is ArrayBuffer {
  return value instanceof ArrayBuffer || Object.prototype.toString.call(value) === '[object ArrayBuffer]';
}

/**
 * One voice connection. The constructor validates the options (throwing `VoiceError` `INVALID_OPTIONS` or
 * `INSECURE_URL`) and never connects, so listeners can be attached first.
 *
 * @example
 * const socket = new VoiceSocket({ tokenUrl: '/voice-token' }, { onAudio: (samples) => play(samples) });
 * socket.addEventListener('statechange', (e) => console.log(e.detail.state));
 * await socket.connect();
 * socket.send(pcmFrame); // 'sent' | 'buffered' | 'dropped'
 * socket.disconnect();
 */
export class VoiceSocket extends TypedEventTarget<VoiceSocketEvents> {
  readonly #options: ResolvedConnectionOptions;
  readonly #getToken: FetchToken;
  readonly #guard = new TokenRateGuard();
  readonly #held: BoundedFrameQueue;
  readonly #queue: SendQueue;
  readonly #incoming = new IncomingAudio();
  #sink: AudioSink | null;
  #deviceId: Promise<string> | null = null;

  #state: ConnectionState = 'idle';
  #sessionId: string | undefined;
  #socket: WebSocketLike | null = null;
  /** Aborts the token request of the current attempt. */
  #tokenAbort: AbortController | null = null;
  /** The one pending timer of the state machine: backoff, rate-guard wait, open timeout or confirmation timeout. */
  #timer: TimerHandle | undefined;
  /** Failed attempts in a row (reset once a connection stays up `minUptimeMs`). */
  #failures = 0;
  /** Whether this session has been confirmed once: the next confirmation is then a `reconnected`. */
  #wasConnected = false;
  #connectedAt = 0;
  #lostAt = 0;
  #tokenSentAt = 0;
  /** The last error frame of the current socket, to explain the close that follows it. */
  #frameError: VoiceError | null = null;
  /** Errors already dispatched as `error` events, so the terminal one is not dispatched twice. */
  readonly #reported = new WeakSet<VoiceError>();
  #pending: { promise: Promise<void>; resolve: () => void; reject: (error: VoiceError) => void } | null = null;

  readonly #stats = zeroCounters();

  /**
   * @param options the connection section of the client options (other keys are ignored).
   * @param handlers `onAudio` receives the agent's audio as Int16 samples (odd bytes carried over between frames).
   */
  constructor(options: ConnectionOptions, handlers: { onAudio?: AudioSink } = {}) {
    super();
    const resolved = resolveConnectionOptions(options);
    this.#options = resolved;
    this.#sink = handlers.onAudio ?? null;
    const fetchFn = resolved.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
    const mode = resolved.token;
    this.#getToken = tokenFetcher(mode.kind === 'apiKey' ? { ...mode, deviceId: () => this.deviceId() } : mode, fetchFn);
    this.#held = new BoundedFrameQueue(resolved.reconnectBufferBytes);
    this.#queue = new SendQueue(
      resolved.maxBufferedBytes,
      resolved.clock,
      (frame) => {
        this.#stats.bytesSent += frame.byteLength;
        this.#stats.framesSent++;
      },
      (frames) => {
        this.#stats.droppedFrames.backpressure += frames;
      },
    );
  }

  /** Where the connection is; see {@link ConnectionState}. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** The server's session id of the current (or last) connection, when the server sent one. */
  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  /** A snapshot of the counters. */
  get stats(): TransportStats {
    const s = this.#stats;
    return { ...s, droppedFrames: { ...s.droppedFrames }, heldFrames: this.#held.length, queuedFrames: this.#queue.queuedFrames };
  }

  /** Replaces the receiver of the agent's audio (`null`: incoming audio is counted and discarded). */
  setAudioSink(sink: AudioSink | null): void {
    this.#sink = sink;
  }

  /**
   * The device id sent with `apiKey`: the `deviceId` option, or one generated once and kept in `storage`
   * (IndexedDB by default; memory with a `storagefallback` event where that fails). Only meaningful with `apiKey`.
   */
  deviceId(): Promise<string> {
    const mode = this.#options.token;
    if (mode.kind === 'apiKey' && mode.deviceId !== undefined) return Promise.resolve(mode.deviceId);
    this.#deviceId ??= loadDeviceId({
      ...(this.#options.storage ? { storage: this.#options.storage } : {}),
      onFallback: (fallback) => this.emit('storagefallback', fallback),
    });
    return this.#deviceId;
  }

  /**
   * Connects, retrying per the reconnect policy. Resolves on the first confirmation; rejects with the `VoiceError`
   * that ended the attempts (`ABORTED` after `disconnect()`). While connecting, returns the same promise; once
   * connected, resolves at once. After `error` or `closed`, starts a new session.
   */
  connect(): Promise<void> {
    if (this.#state === 'connected') return Promise.resolve();
    if (this.#pending) return this.#pending.promise;
    let resolve!: () => void;
    let reject!: (error: VoiceError) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // The app may never await it (it listens to events instead): an unhandled rejection would be noise.
    promise.catch(() => {});
    this.#pending = { promise, resolve, reject };
    // Between attempts of a live session: the running cycle settles this promise.
    if (RECONNECT_STATES.has(this.#state)) return promise;
    this.#failures = 0;
    this.#wasConnected = false;
    this.#sessionId = undefined;
    this.#held.clear();
    this.#startAttempt();
    return promise;
  }

  /**
   * Ends the session from any state: aborts a token request, clears every timer, closes the socket with 1000 and
   * drops held audio. Fires `disconnected` (reason `client`) synchronously, once; a no-op when nothing is open.
   */
  disconnect(): void {
    if (this.#state === 'idle' || this.#state === 'closed' || this.#state === 'error') return;
    this.#end('client');
  }

  /**
   * Sends one frame of 16 kHz Int16 LE mono PCM (even length, 2 to 8,000 bytes). After `sent`, a browser's
   * WebSocket holds its own copy and the buffer may be reused; after `buffered`, the transport keeps a reference
   * until the frame is sent or dropped, so do not reuse it. (The `ws` package in Node may keep a view of a sent
   * buffer until it is flushed.)
   * @returns `sent` (handed to the socket), `buffered` (waiting out backpressure, or held until the next
   *   confirmation: while connecting or reconnecting), or `dropped` (idle or ended, invalid frame, or a reconnect
   *   buffer of 0); drops are counted in {@link stats}.
   */
  send(pcm: ArrayBuffer): SendResult {
    const dropped = this.#stats.droppedFrames;
    if (!isArrayBuffer(pcm) || pcm.byteLength === 0 || pcm.byteLength % 2 !== 0 || pcm.byteLength > MAX_AUDIO_FRAME_BYTES) {
      dropped.invalid++;
      return 'dropped';
    }
    if (this.#state === 'connected' && this.#socket?.readyState === OPEN) return this.#queue.send(pcm);
    // Before the first confirmation and while reconnecting: held (bounded by reconnectBufferMs) and sent in order
    // right after the next confirmation, so the first words are not lost. Also while a closing socket's close event
    // is still on its way: what would be sent into it is lost, so hold it.
    if (RECONNECT_STATES.has(this.#state) || this.#state === 'connected') {
      const evicted = this.#held.push(pcm);
      if (evicted < 0) {
        dropped.reconnectOverflow++;
        return 'dropped';
      }
      dropped.reconnectOverflow += evicted;
      return 'buffered';
    }
    dropped.notConnected++;
    return 'dropped';
  }

  // ─── Attempt pipeline: token → socket → token frame → confirmation ───────────────────────────────────────

  #startAttempt(): void {
    const clock = this.#options.clock;
    const controller = new AbortController();
    this.#tokenAbort = controller;
    this.#setState('fetching-token');
    // A statechange listener hung up (and may have started over with an attempt of its own).
    if (this.#tokenAbort !== controller) return;
    const wait = this.#guard.delayMs(clock.now());
    if (wait === 0) {
      this.#requestToken(controller);
      return;
    }
    // Over 60 token requests in a minute: wait for the window instead of earning the device a 429.
    this.#timer = clock.setTimeout(() => {
      this.#timer = undefined;
      this.#requestToken(controller);
    }, wait);
  }

  #requestToken(controller: AbortController): void {
    this.#guard.record(this.#options.clock.now());
    this.#stats.tokenRequests++;
    this.#getToken(controller.signal).then(
      (token) => {
        if (this.#tokenAbort !== controller) return;
        this.#tokenAbort = null;
        this.#open(token);
      },
      (error: unknown) => {
        if (this.#tokenAbort !== controller) return;
        this.#tokenAbort = null;
        this.#attemptFailed(
          isVoiceError(error) ? error : new VoiceError('TOKEN_PROVIDER_FAILED', 'Getting a token failed', { cause: error }),
        );
      },
    );
  }

  #open(token: string): void {
    const { WebSocket: injected, wsUrl, clock, connectTimeoutMs } = this.#options;
    const Ctor: WebSocketConstructor | undefined = injected ?? globalThis.WebSocket;
    if (!Ctor) {
      this.#end('error', new VoiceError('UNSUPPORTED_BROWSER', 'No WebSocket implementation: pass the WebSocket option'));
      return;
    }
    let socket: WebSocketLike;
    try {
      socket = new Ctor(wsUrl);
    } catch (cause) {
      this.#attemptFailed(new VoiceError('CONNECTION_FAILED', `The socket could not be created for ${wsUrl}`, { cause }));
      return;
    }
    socket.binaryType = 'arraybuffer';
    this.#socket = socket;
    this.#frameError = null;
    // Holds the token only until it is sent: nothing keeps it after that.
    let pendingToken: string | null = token;
    socket.addEventListener('open', () => {
      if (this.#socket !== socket || pendingToken === null) return;
      this.#clearTimer();
      socket.send(pendingToken);
      pendingToken = null;
      this.#tokenSentAt = clock.now();
      this.#timer = clock.setTimeout(() => this.#confirmationTimedOut(socket), this.#options.confirmationTimeoutMs);
      this.#setState('authenticating');
    });
    socket.addEventListener('message', (event) => {
      if (this.#socket !== socket) return;
      try {
        this.#onMessage(socket, event.data);
      } catch (cause) {
        // Never throw out of onmessage: a bug here must not kill the socket.
        this.#report(new VoiceError('PROTOCOL_ERROR', 'A server message could not be handled', { cause }));
      }
    });
    // The close event that always follows carries what is known; the error event has no detail to add.
    socket.addEventListener('error', () => {});
    socket.addEventListener('close', (event) => {
      if (this.#socket !== socket) return;
      pendingToken = null;
      this.#onClose(event.code, event.reason);
    });
    this.#timer = clock.setTimeout(() => {
      this.#timer = undefined;
      this.#detachSocket(1000, 'open timeout');
      this.#attemptFailed(new VoiceError('CONNECTION_FAILED', `The socket did not open within ${connectTimeoutMs} ms`));
    }, connectTimeoutMs);
    this.#setState('connecting');
  }

  #confirmationTimedOut(socket: WebSocketLike): void {
    this.#timer = undefined;
    if (this.#socket !== socket) return;
    const cause = this.#frameError;
    this.#detachSocket(1000, 'confirmation timeout');
    this.#attemptFailed(
      cause ??
        new VoiceError('CONFIRMATION_TIMEOUT', `No confirmation within ${this.#options.confirmationTimeoutMs} ms of sending the token`),
    );
  }

  #onMessage(socket: WebSocketLike, data: unknown): void {
    if (typeof data === 'string') this.#onText(socket, data);
    else if (isArrayBuffer(data)) this.#onBinary(data);
    else this.#report(new VoiceError('PROTOCOL_ERROR', 'A binary message arrived in an unexpected form (binaryType not honoured)'));
  }

  #onText(socket: WebSocketLike, raw: string): void {
    const text = parseServerText(raw);
    switch (text.kind) {
      case 'connected':
        if (this.#state === 'authenticating') this.#confirmed(socket, text.message);
        else this.emit('message', text.message);
        return;
      case 'error': {
        const { code, message, details } = text.message.error;
        const closes = SOCKET_ERRORS[code as SocketErrorCode]?.close;
        if (this.#state !== 'connected') {
          // Before the confirmation any error frame ends the attempt now: waiting for a close that may never come
          // would only add the confirmation timeout. The close code is the one the table says follows the error.
          this.#detachSocket(1000, 'error before confirmation');
          this.#clearTimer();
          this.#attemptFailed(new VoiceError(code, message, { details, closeCode: closes ?? undefined }));
          return;
        }
        const error = new VoiceError(code, message, details ? { details } : {});
        // An error that ends the socket by the table is reported once, with its close code, by the close that
        // follows: as the cause of `reconnecting`, or as the final error.
        if (closes !== undefined && closes !== null) this.#frameError = error;
        else this.#report(error);
        return;
      }
      case 'other':
        this.emit('message', text.message);
        return;
      case 'invalid':
        this.#report(
          new VoiceError('PROTOCOL_ERROR', `The server sent a text message that is not a valid protocol message (${text.reason})`, {
            details: { reason: text.reason, length: raw.length },
          }),
        );
        return;
    }
  }

  #onBinary(frame: ArrayBuffer): void {
    if (this.#state !== 'connected') {
      this.#stats.droppedFrames.receivedBeforeConfirmation++;
      return;
    }
    this.#stats.bytesReceived += frame.byteLength;
    this.#stats.framesReceived++;
    const samples = this.#incoming.decode(frame);
    const sink = this.#sink;
    if (samples.length === 0 || !sink) return;
    try {
      sink(samples);
    } catch (error) {
      // The app's sink failed: report it to the page as an uncaught error without breaking the socket.
      queueMicrotask(() => {
        throw error;
      });
    }
  }

  #confirmed(socket: WebSocketLike, message: ConnectedMessage): void {
    const clock = this.#options.clock;
    this.#clearTimer();
    this.#frameError = null;
    this.#sessionId = message.sessionId;
    this.#stats.handshakeMs = clock.now() - this.#tokenSentAt;
    this.#connectedAt = clock.now();
    this.#incoming.reset();
    const isReconnect = this.#wasConnected;
    this.#wasConnected = true;
    this.#queue.attach(socket);
    // Audio held during the outage goes first, before anything a statechange listener might send.
    this.#queue.sendHeld(this.#held.drain());
    const attempts = this.#failures;
    // connect() keeps its word (resolves on the confirmation) even if a listener below hangs up at once.
    const pending = this.#pending;
    this.#pending = null;
    pending?.resolve();
    this.#setState('connected');
    if (this.#socket !== socket) return;
    if (isReconnect) {
      this.#stats.reconnects++;
      this.emit('reconnected', { sessionId: message.sessionId, attempts, outageMs: clock.now() - this.#lostAt });
    } else {
      this.emit('connected', { sessionId: message.sessionId });
    }
  }

  #onClose(code: number, reason: string): void {
    const wasConnected = this.#state === 'connected';
    this.#socket = null;
    this.#clearTimer();
    this.#stashQueued();
    const frameError = this.#frameError;
    this.#frameError = null;
    if (wasConnected && code === 1000 && !frameError) {
      this.#end('server', undefined, code);
      return;
    }
    const error = errorForClose(code, reason, wasConnected, frameError);
    if (wasConnected) {
      this.#lostAt = this.#options.clock.now();
      // A connection that stayed up long enough starts the backoff again from its first step.
      if (this.#lostAt - this.#connectedAt >= this.#options.minUptimeMs) this.#failures = 0;
    }
    this.#attemptFailed(error);
  }

  // ─── Retry or stop ───────────────────────────────────────────────────────────────────────────────────────

  #attemptFailed(error: VoiceError): void {
    const clock = this.#options.clock;
    const decision = decideRetry(error, this.#failures + 1, this.#options.reconnect);
    if (!decision.retry) {
      this.#end('error', decision.error, error.closeCode);
      return;
    }
    const attempt = ++this.#failures;
    const { delayMs } = decision;
    this.#timer = clock.setTimeout(() => {
      this.#timer = undefined;
      this.#startAttempt();
    }, delayMs);
    this.#setState('reconnecting');
    if (this.#state !== 'reconnecting') return;
    this.emit('reconnecting', { attempt, delayMs, cause: error });
  }

  /**
   * The terminal path: releases everything and takes the pending promise first, so a listener that calls
   * `connect()` starts a new session instead of getting this one's promise; then `statechange`, `error` (if new),
   * `disconnected`, and the promise is rejected.
   */
  #end(reason: DisconnectReason, error?: VoiceError, closeCode?: number): void {
    const pending = this.#pending;
    this.#pending = null;
    this.#clearTimer();
    this.#tokenAbort?.abort();
    this.#tokenAbort = null;
    this.#detachSocket(1000, reason === 'client' ? 'client disconnect' : 'session ended');
    this.#queue.clear();
    this.#held.clear();
    this.#wasConnected = false;
    this.#setState(reason === 'error' ? 'error' : 'closed');
    if (error && !this.#reported.has(error)) this.#report(error);
    const detail: VoiceSocketEvents['disconnected'] = { reason };
    if (error) detail.error = error;
    if (closeCode !== undefined) detail.closeCode = closeCode;
    this.emit('disconnected', detail);
    pending?.reject(
      error ?? new VoiceError('ABORTED', reason === 'client' ? 'disconnect() was called while connecting' : 'The server ended the session'),
    );
  }

  // ─── Helpers ─────────────────────────────────────────────────────────────────────────────────────────────

  /** Frames that were waiting out backpressure when the socket went: held for the next connection, in order. */
  #stashQueued(): void {
    this.#queue.attach(null);
    for (const frame of this.#queue.take()) {
      const evicted = this.#held.push(frame);
      this.#stats.droppedFrames.reconnectOverflow += evicted < 0 ? 1 : evicted;
    }
  }

  /** Forgets the current socket (its late events are ignored) and closes it. */
  #detachSocket(code: number, reason: string): void {
    const socket = this.#socket;
    this.#socket = null;
    if (!socket) return;
    this.#stashQueued();
    try {
      socket.close(code, reason);
    } catch {
      // Closing a socket that already failed can throw in some implementations; it is closed either way.
    }
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #report(error: VoiceError): void {
    this.#reported.add(error);
    this.emit('error', error);
  }

  #setState(state: ConnectionState): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    this.emit('statechange', { state, previous });
  }
}
