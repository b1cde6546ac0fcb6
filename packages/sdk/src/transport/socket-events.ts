/**
 * The states and events of the socket controller: what an app (or `VoiceClient`) listens to.
 * @module
 */
import type { VoiceError } from '../errors.ts';
import type { StorageFallback } from '../persistence/device-id.ts';
import type { ServerMessage } from '../protocol/schemas.ts';

/**
 * Where the connection is. The five upper-case states of the protocol docs are `connecting` (CONNECTING),
 * `authenticating` (AUTHENTICATING), `connected` (CONNECTED), `error` (ERROR) and `closed` (CLOSED); the client adds
 * `idle` (never connected), `fetching-token` and `reconnecting` (waiting out a backoff delay).
 * `error` and `closed` are terminal until the next `connect()`.
 */
export type ConnectionState =
  | 'idle'
  | 'fetching-token'
  | 'connecting'
  | 'authenticating'
  | 'connected'
  | 'reconnecting'
  | 'error'
  | 'closed';

/** Why a session ended: the app called `disconnect()`, the server closed normally (1000), or a failure. */
export type DisconnectReason = 'client' | 'server' | 'error';

/** Events of {@link VoiceSocket}; each `detail` type is what `event.detail` holds. */
export type VoiceSocketEvents = {
  /** Every change of {@link VoiceSocket.state}. */
  statechange: { state: ConnectionState; previous: ConnectionState };
  /** The first confirmation after `connect()`: audio flows from now on. */
  connected: { sessionId: string | undefined };
  /** A failed attempt or a lost connection; the next attempt starts after `delayMs`. Also between failed first attempts. */
  reconnecting: { attempt: number; delayMs: number; cause: VoiceError };
  /**
   * A confirmation after a loss: a new server session (`sessionId`), with the held audio already sent. `attempts` is
   * the `attempt` of the last `reconnecting` (it counts on across connections shorter than `minUptimeMs`).
   */
  reconnected: { sessionId: string | undefined; attempts: number; outageMs: number };
  /** The terminal event: exactly once per `connect()`, whatever ends it. */
  disconnected: { reason: DisconnectReason; error?: VoiceError; closeCode?: number };
  /**
   * A non-fatal server error frame or protocol violation (the session goes on), or the failure that ended the
   * session (just before `disconnected`). Failures that lead to another attempt arrive as `reconnecting`'s `cause`.
   */
  error: VoiceError;
  /** A server text message the SDK does not know (status messages): passed on, never dropped. */
  message: ServerMessage;
  /** The generated device id could not be kept in IndexedDB and lives in memory for this page only. */
  storagefallback: StorageFallback;
};
