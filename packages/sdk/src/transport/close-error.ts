/**
 * Why a socket closed, as a `VoiceError`: the error frame that announced the close, else the close code's entry in
 * the protocol table, else a plain loss. Retry advice comes from the same table (`protocol/codes.ts`).
 * @module
 */
import { VoiceError } from '../errors.ts';
import { CLOSE_CODES, type CloseCode, closeCodeAdvice, SOCKET_ERRORS, type SocketErrorCode } from '../protocol/codes.ts';

/**
 * @param wasConnected whether the socket had been confirmed (a loss) or not (a failed attempt).
 * @param frameError the last error frame the socket received, if any.
 */
export function errorForClose(code: number, reason: string, wasConnected: boolean, frameError: VoiceError | null): VoiceError {
  if (frameError) {
    const expected = SOCKET_ERRORS[frameError.code as SocketErrorCode]?.close;
    // An error frame explains this close if it was fatal by the table, or if it came before the confirmation.
    if (!wasConnected || expected === code) {
      const { details } = frameError;
      return new VoiceError(frameError.code, frameError.message, { closeCode: code, ...(details ? { details } : {}) });
    }
  }
  const suffix = reason ? `: ${reason}` : '';
  const name = CLOSE_CODES[code as CloseCode]?.name;
  // Only the 4xxx codes are the server's own; a bare 1001 or 1011 may as well come from a proxy or the browser, so
  // without the server's error frame it is reported as a loss (same advice, no claim about who closed).
  if (name && name in SOCKET_ERRORS && code >= 4000) {
    return new VoiceError(name, `The server closed the socket with ${code} (${name})${suffix}`, { closeCode: code });
  }
  return new VoiceError(wasConnected ? 'CONNECTION_LOST' : 'CONNECTION_FAILED', `The socket closed with ${code}${suffix}`, {
    closeCode: code,
    retryable: closeCodeAdvice(code) === 'retry',
  });
}
