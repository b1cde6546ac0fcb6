/**
 * `@savants/voice`: real-time two-way voice between a web page and a Savants AI agent.
 * The one public barrel: every export is named here on purpose; what is not listed is internal.
 * @module @savants/voice
 */
export { type AudioDevices, listAudioDevices } from './audio/devices.ts';
export { WORKLET_FILE } from './audio/worklet-loader.ts';
export type { Level, PlaybackStats } from './audio/worklet-messages.ts';
export type {
  DeviceChangeReason,
  DisconnectReason,
  InterruptResult,
  LevelDetail,
  StorageFallback,
  TransportStats,
  VoiceClientEvents,
  VoiceClientState,
  VoiceClientStats,
} from './client/types.ts';
export { type ConnectOptions, VoiceClient } from './client.ts';
export { CLIENT_ERROR_CODES, type ClientErrorCode, isVoiceError, VoiceError, type VoiceErrorCode, type VoiceErrorInit } from './errors.ts';
export { TypedEventTarget } from './events.ts';
export {
  type AudioOptions,
  type BackoffOptions,
  type Clock,
  type ConnectionOptions,
  DEFAULTS,
  type DeviceIdStorage,
  type ReconnectPolicy,
  type TokenCallback,
  type VoiceClientOptions,
  type WebSocketConstructor,
  type WebSocketLike,
} from './options.ts';
export type { CloseCode, HttpErrorCode, RetryAdvice, SocketErrorCode } from './protocol/index.ts';
export type { ServerMessage } from './protocol/schemas.ts';
export type { ConnectionState } from './transport/socket-events.ts';
