/**
 * The code tables hold each close code twice (SOCKET_ERRORS' `close`, and CLOSE_CODES by number, which the client
 * reads when a close arrives without its error frame): the two copies must agree. Pure.
 */
import { expect, test } from 'vitest';
import { CLIENT_ERROR_CODES } from '../../src/errors.ts';
import { CLIENT_FAILURES, CLOSE_CODES, type CloseCode, errorCodeAdvice, SOCKET_ERRORS } from '../../src/protocol/codes.ts';

test('every socket error that closes the socket names the same close code, with the same advice, in CLOSE_CODES', () => {
  const closing = Object.entries(SOCKET_ERRORS).filter(([, { close }]) => close !== null);
  expect(closing.length).toBeGreaterThan(0);
  for (const [code, { close, retry }] of closing) {
    expect(CLOSE_CODES[close as CloseCode], `${code} → ${close}`).toEqual({ name: code, retry });
  }
});

test('every client failure with retry advice is a client error code, and errors take their advice from the table', () => {
  for (const code of Object.keys(CLIENT_FAILURES)) expect(CLIENT_ERROR_CODES).toHaveProperty(code, code);
  expect(errorCodeAdvice('ABORTED')).toBe('stop');
  expect(errorCodeAdvice('CONNECTION_LOST')).toBe('retry');
  expect(errorCodeAdvice('HTTP_ERROR', 503)).toBe('retry');
  expect(errorCodeAdvice('HTTP_ERROR', 403)).toBe('stop');
});
