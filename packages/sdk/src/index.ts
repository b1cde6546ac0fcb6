/**
 * `@savants/voice`: real-time two-way voice between a web page and a Savants AI agent.
 * The one public barrel: every export is named here on purpose; what is not listed is internal.
 * @module
 */
export { CLIENT_ERROR_CODES, type ClientErrorCode, isVoiceError, VoiceError, type VoiceErrorCode, type VoiceErrorInit } from './errors.ts';
export { TypedEventTarget } from './events.ts';
export type { CloseCode, HttpErrorCode, RetryAdvice, SocketErrorCode } from './protocol/index.ts';
