/**
 * URL rules of the transport: the socket URL derives from the HTTP base, and cleartext (`ws:`/`http:`) is allowed
 * only to this machine, so a token or API key never crosses a network unencrypted.
 * @module
 */
import { VoiceError } from '../errors.ts';
import { STREAM_PATH, TOKEN_PATH } from '../protocol/constants.ts';

const LOOPBACK_HOST = /^(localhost|.+\.localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** True for hosts that never leave the machine: `localhost`, `*.localhost`, 127.0.0.0/8 and `[::1]`. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOST.test(hostname);
}

function parse(raw: string, what: string, base?: string): URL {
  try {
    return new URL(raw, base);
  } catch (cause) {
    throw new VoiceError('INVALID_OPTIONS', `${what} is not a valid URL: ${JSON.stringify(raw)}`, { cause });
  }
}

/** Refuses cleartext schemes to hosts other than loopback, and schemes that are not HTTP or WebSocket at all. */
function requireSecure(url: URL, what: string, secure: string, clear: string): URL {
  if (url.protocol === secure) return url;
  if (url.protocol === clear) {
    if (isLoopbackHost(url.hostname)) return url;
    throw new VoiceError('INSECURE_URL', `${what} ${url.origin} uses ${clear}// to a host that is not loopback; use ${secure}//`);
  }
  throw new VoiceError('INVALID_OPTIONS', `${what} must be a ${secure}// URL, got ${url.protocol}//`);
}

/** `{baseUrl}{path}` (keeping any path prefix of the base, dropping its query and hash), checked by the cleartext rule. */
function endpointFromBase(baseUrl: string, path: string): URL {
  const url = requireSecure(parse(baseUrl, 'baseUrl'), 'baseUrl', 'https:', 'http:');
  url.pathname = url.pathname.replace(/\/+$/, '') + path;
  url.search = '';
  url.hash = '';
  return url;
}

/** `{baseUrl}/voice-stream` with `http` turned into `ws` (`https` into `wss`), keeping any path prefix of the base. */
export function socketUrlFromBase(baseUrl: string): string {
  const url = endpointFromBase(baseUrl, STREAM_PATH);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

/** Validates an explicit socket URL: `wss:`, or `ws:` to loopback. */
export function checkSocketUrl(wsUrl: string): string {
  return requireSecure(parse(wsUrl, 'wsUrl'), 'wsUrl', 'wss:', 'ws:').href;
}

/** `{baseUrl}/api/websocket-voice/token`, keeping any path prefix of the base. */
export function tokenEndpointFromBase(baseUrl: string): string {
  return endpointFromBase(baseUrl, TOKEN_PATH).href;
}

/** Resolves the app's `tokenUrl` (relative URLs against the page) and applies the same cleartext rule. */
export function checkTokenUrl(tokenUrl: string): string {
  return requireSecure(parse(tokenUrl, 'tokenUrl', globalThis.location?.href), 'tokenUrl', 'https:', 'http:').href;
}
