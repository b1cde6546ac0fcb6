/**
 * What the transport counts. Snapshots are handed out; the live counters stay inside the controller.
 * @module
 */

/** Counters of the transport, all since construction. */
export interface TransportStats {
  bytesSent: number;
  framesSent: number;
  bytesReceived: number;
  framesReceived: number;
  droppedFrames: {
    /** Oldest frames dropped while the socket's send buffer was over `maxBufferedAmountMs`. */
    backpressure: number;
    /** Oldest frames dropped because an outage outlasted `reconnectBufferMs`. */
    reconnectOverflow: number;
    /** Frames sent before the first confirmation or after the session ended. */
    notConnected: number;
    /** Empty, odd-length or over-8,000-byte frames, which the server would reject. */
    invalid: number;
    /** Server audio that arrived before the confirmation. */
    receivedBeforeConfirmation: number;
  };
  /** Frames held for the next connection right now. */
  heldFrames: number;
  /** Frames waiting out backpressure right now. */
  queuedFrames: number;
  /** Successful reconnections. */
  reconnects: number;
  /** Token requests started (each attempt makes one). */
  tokenRequests: number;
  /** Milliseconds from sending the token to the confirmation, last connection: about one round trip plus verification. */
  handshakeMs: number | undefined;
}

/** Counters at zero; the two gauges (`heldFrames`, `queuedFrames`) are read from the queues when a snapshot is taken. */
export function zeroCounters(): Omit<TransportStats, 'heldFrames' | 'queuedFrames'> {
  return {
    bytesSent: 0,
    framesSent: 0,
    bytesReceived: 0,
    framesReceived: 0,
    droppedFrames: { backpressure: 0, reconnectOverflow: 0, notConnected: 0, invalid: 0, receivedBeforeConfirmation: 0 },
    reconnects: 0,
    tokenRequests: 0,
    handshakeMs: undefined,
  };
}
