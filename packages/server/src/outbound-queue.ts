/**
 * The session's outgoing side: paces agent audio (as a TTS server does) and asks the network model when each message
 * arrives, then sends it at that time. One timer per session at most; a bounded queue; `close()` drops everything.
 *
 * Two stages, so that barge-in behaves as on a real network: a message waits in the server until its send time
 * (`clear()` can still drop it), then it is handed to the network model (`deliver(sendMs, bytes)`, called in order)
 * and can no longer be recalled; it is written to the socket at its delivery time.
 * @module
 */
import type { AudioOut, Pace } from './agents/agent.ts';
import type { NetworkModel } from './network-model.ts';
import { bytesToMs, FRAME_BYTES } from './pcm.ts';
import type { TimerScope } from './timers.ts';

interface Outgoing {
  readonly message: Uint8Array | string;
  readonly bytes: number;
  /** When the server hands it to the network (ms on the queue's clock). */
  readonly sendMs: number;
  /** When it arrives at the client; set once handed to the network. */
  deliverMs: number | undefined;
}

export interface OutboundQueueOptions {
  model: NetworkModel;
  timers: TimerScope;
  /** Writes one message to the socket. */
  write(message: Uint8Array | string): void;
  /** Messages waiting at most; more are dropped (newest first) and counted. */
  maxQueued: number;
  /** Milliseconds since the session started. */
  now(): number;
}

export class OutboundQueue implements AudioOut {
  readonly #options: OutboundQueueOptions;
  #queue: Outgoing[] = [];
  #head = 0;
  /** Send time of the last queued message: paced audio follows it. */
  #cursor = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #timerAt = Number.POSITIVE_INFINITY;
  #closed = false;
  /** Messages dropped because the queue was full. */
  overflowed = 0;
  /** Messages written to the socket. */
  sent = 0;

  constructor(options: OutboundQueueOptions) {
    this.#options = options;
  }

  play(pcm: Uint8Array, pace: Pace = 'realtime'): void {
    const speed = pace === 'realtime' ? 1 : pace;
    for (let offset = 0; offset < pcm.byteLength; offset += FRAME_BYTES) {
      const frame = pcm.slice(offset, Math.min(offset + FRAME_BYTES, pcm.byteLength));
      const sendMs = Math.max(this.#options.now(), this.#cursor);
      this.#push(frame, frame.byteLength, sendMs);
      this.#cursor = sendMs + bytesToMs(frame.byteLength) / speed;
    }
    this.#pump();
  }

  send(message: Uint8Array | string): void {
    const bytes = typeof message === 'string' ? Buffer.byteLength(message) : message.byteLength;
    const sendMs = Math.max(this.#options.now(), this.#cursor);
    this.#push(message, bytes, sendMs);
    this.#cursor = sendMs;
    this.#pump();
  }

  clear(): number {
    const now = this.#options.now();
    const kept = this.#queue.slice(this.#head).filter((m) => m.deliverMs !== undefined || m.sendMs <= now);
    const dropped = this.#queue.length - this.#head - kept.length;
    this.#queue = kept;
    this.#head = 0;
    this.#cursor = Math.min(this.#cursor, now);
    this.#pump();
    return dropped;
  }

  get queuedMs(): number {
    return Math.max(0, this.#cursor - this.#options.now());
  }

  /** Messages waiting (in the server or in the network). */
  get length(): number {
    return this.#queue.length - this.#head;
  }

  /** Drops everything and stops the timer. */
  close(): void {
    this.#closed = true;
    this.#queue = [];
    this.#head = 0;
    this.#options.timers.clear(this.#timer);
    this.#timer = null;
  }

  #push(message: Uint8Array | string, bytes: number, sendMs: number): void {
    if (this.#closed) return;
    if (this.length >= this.#options.maxQueued) {
      this.overflowed++;
      return;
    }
    this.#queue.push({ message, bytes, sendMs, deliverMs: undefined });
  }

  #pump(): void {
    if (this.#closed) return;
    const now = this.#options.now();
    const { model, write } = this.#options;
    // Hand over everything whose send time has come, in order (the model's contract).
    for (let i = this.#head; i < this.#queue.length; i++) {
      const m = this.#queue[i]!;
      if (m.deliverMs !== undefined) continue;
      if (m.sendMs > now) break;
      m.deliverMs = model.deliver(m.sendMs, m.bytes);
    }
    while (this.#head < this.#queue.length) {
      const m = this.#queue[this.#head]!;
      if (m.deliverMs === undefined || m.deliverMs > now) break;
      this.#head++;
      this.sent++;
      write(m.message);
      if (this.#closed) return; // write() may have closed the session
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    const next = this.#queue[this.#head];
    const wakeAt = next === undefined ? Number.POSITIVE_INFINITY : (next.deliverMs ?? next.sendMs);
    if (wakeAt === this.#timerAt && this.#timer !== null) return;
    this.#options.timers.clear(this.#timer);
    this.#timer = null;
    this.#timerAt = wakeAt;
    if (wakeAt !== Number.POSITIVE_INFINITY) {
      this.#timer = this.#options.timers.set(
        () => {
          this.#timer = null;
          this.#timerAt = Number.POSITIVE_INFINITY;
          this.#pump();
        },
        Math.max(0, wakeAt - now),
      );
    }
  }
}
