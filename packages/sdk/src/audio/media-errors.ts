/**
 * The one place where browser media failures become SDK error codes. `getUserMedia` rejects with a `DOMException`
 * whose `name` says what went wrong; browsers disagree on some names, so several map to one code.
 * @module
 */
import { VoiceError } from '../errors.ts';

/** `DOMException` names per outcome, including the legacy Chromium and Firefox spellings. */
const DENIED = new Set(['NotAllowedError', 'PermissionDeniedError', 'SecurityError']);
const NOT_FOUND = new Set(['NotFoundError', 'DevicesNotFoundError', 'OverconstrainedError', 'ConstraintNotSatisfiedError']);
// Everything else is MIC_IN_USE: NotReadableError, TrackStartError and AbortError name it, and an unknown name is
// most likely the OS refusing the device.

/** The error for a page where `getUserMedia` does not exist (an insecure context, or an old browser). */
export function noGetUserMedia(cause?: unknown): VoiceError {
  return new VoiceError('UNSUPPORTED_BROWSER', 'navigator.mediaDevices.getUserMedia is missing (insecure context or old browser).', {
    cause,
  });
}

export function hasGetUserMedia(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getUserMedia === 'function';
}

/** Turns whatever `getUserMedia` threw into a `VoiceError` with a MIC_* code (or UNSUPPORTED_BROWSER). */
export function toMicrophoneError(error: unknown): VoiceError {
  const named = isNamedError(error) ? error : undefined;
  const name = named?.name ?? '';
  const detail = named ? `${named.name}: ${named.message}` : String(error);
  // OverconstrainedError: the requested deviceId is gone, which for the user is "that microphone is not there".
  if (DENIED.has(name)) return new VoiceError('MIC_PERMISSION_DENIED', `Microphone access was refused (${detail}).`, { cause: error });
  if (NOT_FOUND.has(name)) return new VoiceError('MIC_NOT_FOUND', `No usable microphone was found (${detail}).`, { cause: error });
  if (name === 'TypeError' && !hasGetUserMedia()) return noGetUserMedia(error);
  return new VoiceError('MIC_IN_USE', `The microphone could not be opened (${detail}).`, { cause: error });
}

/** DOMException is an Error in current browsers, but not in every embedded webview: check the shape. */
function isNamedError(value: unknown): value is { name: string; message: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { name?: unknown }).name === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}
