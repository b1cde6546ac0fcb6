/**
 * Backpressure for outgoing audio. A WebSocket has no drain event, and what it has buffered cannot be taken back,
 * so the bound is applied in front of it: while the socket holds more than the bound, new frames wait here (a
 * queue of the same size that drops its oldest frames) and a timer retries until the socket has drained.
 * @module
 */
import type { Clock, TimerHandle, WebSocketLike } from '../options.ts';
import { BoundedFrameQueue } from './frame-queue.ts';

/** What happened to a frame handed to the transport. */
export type SendResult = 'sent' | 'buffered' | 'dropped';

/** How often a waiting queue checks whether the socket has drained: one 20 ms audio frame. */
const PUMP_INTERVAL_MS = 20;

export class SendQueue {
  readonly #queue: BoundedFrameQueue;
  readonly #boundBytes: number;
  readonly #clock: Clock;
  readonly #onSent: (frame: ArrayBuffer) => void;
  readonly #onDropped: (frames: number) => void;
  #socket: WebSocketLike | null = null;
  #timer: TimerHandle | undefined;
  /**
   * Bytes of held audio last handed over at once, which the socket may still be sending: new frames are not held
   * back (and dropped) for them. Forgotten once the socket is back under the bound.
   */
  #burstBytes = 0;

  /**
   * @param boundBytes most bytes the socket may hold before frames wait here; the queue holds as much again.
   * @param onSent called for every frame handed to the socket.
   * @param onDropped called with the number of frames dropped, oldest first, when the queue overflows.
   */
  constructor(boundBytes: number, clock: Clock, onSent: (frame: ArrayBuffer) => void, onDropped: (frames: number) => void) {
    this.#boundBytes = boundBytes;
    this.#queue = new BoundedFrameQueue(boundBytes);
    this.#clock = clock;
    this.#onSent = onSent;
    this.#onDropped = onDropped;
  }

  /** Frames waiting for the socket to drain. */
  get queuedFrames(): number {
    return this.#queue.length;
  }

  /** The socket frames go to; `null` detaches it, dropping nothing but stopping the pump. */
  attach(socket: WebSocketLike | null): void {
    this.#socket = socket;
    this.#burstBytes = 0;
    if (!socket) this.#stopPump();
  }

  /** Sends a frame now if the socket is below the bound and nothing waits before it; queues it otherwise. */
  send(frame: ArrayBuffer): SendResult {
    this.#pumpOnce();
    const socket = this.#socket;
    if (socket && this.#queue.length === 0 && socket.bufferedAmount <= this.#limit(socket)) {
      socket.send(frame);
      this.#onSent(frame);
      return 'sent';
    }
    const dropped = this.#queue.push(frame);
    if (dropped < 0) {
      this.#onDropped(1);
      return 'dropped';
    }
    if (dropped > 0) this.#onDropped(dropped);
    this.#startPump();
    return 'buffered';
  }

  /**
   * Hands frames held during an outage to the socket at once, ahead of anything new. They bypass the bound on
   * purpose: they are bounded already (the reconnect buffer), and queueing them here would drop most of them. Nor
   * do they count against it for the frames that follow: on a busy machine the socket took longer than the bound
   * to send a second of held audio, and the live frames after it were dropped.
   */
  sendHeld(frames: readonly ArrayBuffer[]): void {
    const socket = this.#socket;
    if (!socket) return;
    for (const frame of frames) {
      this.#burstBytes += frame.byteLength;
      socket.send(frame);
      this.#onSent(frame);
    }
  }

  /** What the socket may hold before new frames wait: the bound, plus a held burst it has not sent yet. */
  #limit(socket: WebSocketLike): number {
    if (socket.bufferedAmount <= this.#boundBytes) this.#burstBytes = 0;
    return this.#boundBytes + this.#burstBytes;
  }

  /** Drops every waiting frame and stops the pump (the socket is gone); returns how many were dropped. */
  clear(): number {
    const n = this.#queue.length;
    this.#queue.clear();
    this.#stopPump();
    return n;
  }

  /** Takes the waiting frames out, oldest first (to hold them for the next connection). */
  take(): ArrayBuffer[] {
    this.#stopPump();
    return this.#queue.drain();
  }

  #pumpOnce(): void {
    const socket = this.#socket;
    if (!socket) return;
    while (this.#queue.length > 0 && socket.bufferedAmount <= this.#limit(socket)) {
      const frame = this.#queue.shift()!;
      socket.send(frame);
      this.#onSent(frame);
    }
    if (this.#queue.length === 0) this.#stopPump();
  }

  #startPump(): void {
    if (this.#timer !== undefined || !this.#socket) return;
    const tick = () => {
      this.#timer = undefined;
      this.#pumpOnce();
      if (this.#queue.length > 0 && this.#socket) this.#timer = this.#clock.setTimeout(tick, PUMP_INTERVAL_MS);
    };
    this.#timer = this.#clock.setTimeout(tick, PUMP_INTERVAL_MS);
  }

  #stopPump(): void {
    if (this.#timer === undefined) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
