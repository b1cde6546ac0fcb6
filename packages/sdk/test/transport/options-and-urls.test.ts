/** Option validation and URL rules: pure functions, no network, no clock. */
import { describe, expect, test } from 'vitest';
import { VoiceError } from '../../src/errors.ts';
import { DEFAULTS } from '../../src/options.ts';
import { checkApiKeyPage, resolveConnectionOptions } from '../../src/transport/resolve-options.ts';
import { checkSocketUrl, checkTokenUrl, isLoopbackHost, socketUrlFromBase, tokenEndpointFromBase } from '../../src/transport/url.ts';

function thrown(fn: () => unknown): VoiceError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(VoiceError);
    return error as VoiceError;
  }
  throw new Error('expected a VoiceError');
}

describe('URLs', () => {
  test('the socket URL derives from the base: https → wss, http → ws, path prefix kept', () => {
    expect(socketUrlFromBase('https://api.thesavants.ai')).toBe('wss://api.thesavants.ai/voice-stream');
    expect(socketUrlFromBase('https://example.com/voice/')).toBe('wss://example.com/voice/voice-stream');
    expect(socketUrlFromBase('http://127.0.0.1:8787')).toBe('ws://127.0.0.1:8787/voice-stream');
    expect(tokenEndpointFromBase('https://api.thesavants.ai')).toBe('https://api.thesavants.ai/api/websocket-voice/token');
    expect(socketUrlFromBase(DEFAULTS.baseUrl)).toBe('wss://api.thesavants.ai/voice-stream');
  });

  test('cleartext is refused for hosts that are not loopback', () => {
    for (const host of ['localhost', 'app.localhost', '127.0.0.1', '127.1.2.3', '[::1]']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['example.com', '10.0.0.1', 'localhost.evil.com', '128.0.0.1']) expect(isLoopbackHost(host)).toBe(false);
    expect(thrown(() => checkSocketUrl('ws://example.com/voice-stream'))).toMatchObject({ code: 'INSECURE_URL', retryable: false });
    expect(thrown(() => socketUrlFromBase('http://api.example.com'))).toMatchObject({ code: 'INSECURE_URL' });
    expect(thrown(() => checkTokenUrl('http://backend.example.com/token')).code).toBe('INSECURE_URL');
    expect(checkSocketUrl('ws://localhost:1234/voice-stream')).toBe('ws://localhost:1234/voice-stream');
    expect(checkSocketUrl('wss://example.com/voice-stream')).toBe('wss://example.com/voice-stream');
    expect(thrown(() => checkSocketUrl('https://example.com/voice-stream')).code).toBe('INVALID_OPTIONS');
    expect(thrown(() => checkSocketUrl('not a url')).code).toBe('INVALID_OPTIONS');
  });
});

describe('resolveConnectionOptions', () => {
  test('exactly one of apiKey, token and tokenUrl', () => {
    expect(thrown(() => resolveConnectionOptions({})).message).toMatch(/got none/);
    expect(thrown(() => resolveConnectionOptions({ apiKey: 'k', tokenUrl: 'https://x.test/t' })).message).toMatch(/apiKey and tokenUrl/);
    expect(thrown(() => resolveConnectionOptions({ apiKey: '' })).code).toBe('INVALID_OPTIONS');
    expect(resolveConnectionOptions({ apiKey: 'k' }).token).toMatchObject({ kind: 'apiKey', deviceId: undefined });
    expect(resolveConnectionOptions({ token: () => 't' }).token.kind).toBe('callback');
  });

  test('defaults come from DEFAULTS, converted to bytes of 16 kHz Int16 audio', () => {
    const r = resolveConnectionOptions({ apiKey: 'k' });
    expect(r.wsUrl).toBe('wss://api.thesavants.ai/voice-stream');
    expect(r.confirmationTimeoutMs).toBe(DEFAULTS.confirmationTimeoutMs);
    expect(r.confirmationTimeoutMs).toBe(10_000);
    expect(r.maxBufferedBytes).toBe(DEFAULTS.maxBufferedAmountMs * 32);
    expect(r.reconnectBufferBytes).toBe(64_000);
  });

  test('a backoff field present but undefined takes its default (not NaN delays)', () => {
    const { reconnect } = resolveConnectionOptions({ apiKey: 'k', reconnect: { maxDelayMs: undefined, jitter: 0 } });
    const lost = new VoiceError('CONNECTION_LOST', 'x');
    expect([1, 6, 7].map((attempt) => reconnect(attempt, lost))).toEqual([500, DEFAULTS.reconnect.maxDelayMs, null]);
  });

  test('numbers out of range and wrong types are INVALID_OPTIONS', () => {
    for (const bad of [
      { confirmationTimeoutMs: -1 },
      { reconnectBufferMs: Number.NaN },
      { maxBufferedAmountMs: 120_000 },
      { reconnect: { jitter: 2 } },
      { reconnect: { initialDelayMs: 20_000 } },
      { reconnect: 'yes' as unknown as false },
      { WebSocket: 'ws' as unknown as undefined },
      { storage: {} as unknown as undefined },
    ]) {
      expect(thrown(() => resolveConnectionOptions({ apiKey: 'k', ...bad })).code).toBe('INVALID_OPTIONS');
    }
  });

  test('the API key never appears in a validation message', () => {
    const error = thrown(() => resolveConnectionOptions({ apiKey: 'sk_live_secret', tokenUrl: 'https://x.test' }));
    expect(error.message).not.toContain('sk_live_secret');
  });
});

describe('apiKey in a web page', () => {
  const page = (href: string) => {
    const { hostname, protocol } = new URL(href);
    return { hostname, protocol };
  };

  test('is refused on a page that is not on a loopback host unless dangerouslyAllowBrowser, with a message that says what to use', () => {
    for (const href of ['https://shop.example.com/', 'http://192.0.2.2:5173/', 'https://localhost.example.com/']) {
      const error = thrown(() => checkApiKeyPage(page(href), false));
      expect(error.code, href).toBe('INVALID_OPTIONS');
      expect(error.message).toContain(new URL(href).hostname);
      expect(error.message).toMatch(/use token or tokenUrl/);
      expect(error.message).toContain('dangerouslyAllowBrowser: true');
      expect(error.retryable).toBe(false);
      expect(() => checkApiKeyPage(page(href), true)).not.toThrow();
    }
  });

  test('is allowed on loopback and file pages, and outside a page', () => {
    for (const href of [
      'http://localhost:5173/',
      'http://127.0.0.1:5199/?x',
      'http://[::1]:8080/',
      'http://demo.localhost/',
      'file:///home/me/a.html',
    ]) {
      expect(() => checkApiKeyPage(page(href), false), href).not.toThrow();
    }
    expect(() => checkApiKeyPage(undefined, false)).not.toThrow();
    expect(DEFAULTS.dangerouslyAllowBrowser).toBe(false);
  });

  test('resolveConnectionOptions checks the page the code runs in, and the flag must be a boolean', () => {
    const g = globalThis as { location?: unknown };
    const before = g.location;
    // Node has no page: a stand-in location is the only way to put these checks in one on this runner; the real page
    // check runs in Chromium in e2e/api-key-page.spec.ts.
    g.location = page('https://shop.example.com/');
    try {
      expect(thrown(() => resolveConnectionOptions({ apiKey: 'sk_live_x' })).code).toBe('INVALID_OPTIONS');
      expect(resolveConnectionOptions({ apiKey: 'sk_live_x', dangerouslyAllowBrowser: true }).token.kind).toBe('apiKey');
      expect(resolveConnectionOptions({ tokenUrl: 'https://shop.example.com/voice-token' }).token.kind).toBe('tokenUrl');
      expect(thrown(() => resolveConnectionOptions({ apiKey: 'k', dangerouslyAllowBrowser: 'yes' as unknown as boolean })).code).toBe(
        'INVALID_OPTIONS',
      );
    } finally {
      g.location = before;
    }
  });
});
