/**
 * Where tokens come from: the API's token endpoint with the device key, the app's `tokenUrl`, or the app's
 * callback. A token is fetched fresh for every connection attempt and never kept. No request is shared or cached:
 * a `VoiceSocket` makes one attempt at a time, and aborts its request through the signal when it stops.
 * @module
 */
import { isVoiceError, VoiceError } from '../errors.ts';
import type { TokenCallback } from '../options.ts';
import { readTokenResponse } from './token-response.ts';

/** Gets one fresh token. Rejects with a `VoiceError` (`ABORTED` when `signal` aborts). */
export type FetchToken = (signal: AbortSignal) => Promise<string>;

/** How to get a token, after the options were validated. */
export type TokenMode =
  | { kind: 'apiKey'; endpoint: string; apiKey: string; deviceId: () => Promise<string> }
  | { kind: 'tokenUrl'; url: string }
  | { kind: 'callback'; callback: TokenCallback };

function aborted(): VoiceError {
  return new VoiceError('ABORTED', 'The token request was aborted by disconnect()');
}

async function post(fetchFn: typeof fetch, url: string, init: RequestInit, what: string): Promise<string> {
  let response: Response;
  try {
    response = await fetchFn(url, { method: 'POST', cache: 'no-store', ...init });
  } catch (cause) {
    if (init.signal?.aborted) throw aborted();
    // The URL is safe to name (the key travels in the body); the cause is the platform's own message.
    throw new VoiceError('TOKEN_FETCH_FAILED', `${what} could not be reached (${url})`, { cause });
  }
  return readTokenResponse(response, what);
}

/** A `FetchToken` for one mode. */
export function tokenFetcher(mode: TokenMode, fetchFn: typeof fetch): FetchToken {
  switch (mode.kind) {
    case 'apiKey':
      return async (signal) => {
        const deviceId = await mode.deviceId();
        if (signal.aborted) throw aborted();
        return post(
          fetchFn,
          mode.endpoint,
          {
            headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
            body: JSON.stringify({ apiKey: mode.apiKey, deviceId }),
            signal,
          },
          'The token endpoint',
        );
      };
    case 'tokenUrl':
      return (signal) =>
        post(fetchFn, mode.url, { headers: { Accept: 'application/json' }, credentials: 'same-origin', signal }, 'tokenUrl');
    case 'callback':
      return async (signal) => {
        let token: unknown;
        try {
          token = await mode.callback({ signal });
        } catch (cause) {
          if (signal.aborted) throw aborted();
          if (isVoiceError(cause)) throw cause;
          throw new VoiceError('TOKEN_PROVIDER_FAILED', 'The token callback failed', { cause });
        }
        if (signal.aborted) throw aborted();
        if (typeof token !== 'string' || token.length === 0) {
          throw new VoiceError(
            'TOKEN_PROVIDER_FAILED',
            `The token callback returned ${typeof token === 'string' ? 'an empty string' : typeof token}, not a token`,
          );
        }
        return token;
      };
  }
}
