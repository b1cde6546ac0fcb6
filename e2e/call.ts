/**
 * Drives a VoiceClient inside the page through `window.SavantsVoice` (the demo exposes it with `?debug`), with the
 * browser's voice processing off so the fixtures arrive unaltered, and records every event with its time.
 */
import type { VoiceServer } from '@savants/voice-server';
import type { TestPage } from './test-page.ts';

export interface RecordedEvent {
  type: string;
  at: number;
  code?: string;
  detail?: unknown;
}

declare global {
  interface Window {
    __events: RecordedEvent[];
  }
}

export interface CallOptions {
  agent?: 'echo' | 'loopback' | 'tone';
  /** Agent knobs of the reference server, passed in the socket URL's query (e.g. `{ pace: '10' }`). */
  agentQuery?: Record<string, string>;
  apiKey?: string;
  /** More client options (JSON-serialisable). */
  options?: Record<string, unknown>;
}

/** Creates `window.voiceClient`, records its events and connects. Resolves with the page time of `connected`, or the error code. */
export async function connectCall(
  page: TestPage,
  server: VoiceServer,
  call: CallOptions = {},
): Promise<{ connectedAt?: number; connectedAudioTime?: number; errorCode?: string }> {
  const query = new URLSearchParams({ ...(call.agent ? { agent: call.agent } : {}), ...call.agentQuery }).toString();
  const wsUrl = `${server.wsUrl}${query ? `?${query}` : ''}`;
  return page.evaluate(
    async ({ baseUrl, wsUrl, apiKey, options }) => {
      const sdk = window.SavantsVoice;
      if (!sdk) throw new Error('the demo did not expose the SDK (?debug)');
      const client = new sdk.VoiceClient({
        baseUrl,
        wsUrl,
        apiKey,
        echoCancellation: false,
        noiseSuppression: false,
        autoGainControl: false,
        ...options,
      });
      window.voiceClient = client;
      window.__events ??= [];
      const types = [
        'statechange',
        'connected',
        'disconnected',
        'error',
        'reconnecting',
        'reconnected',
        'agentspeakingstart',
        'agentspeakingend',
        'audioblocked',
        'devicechange',
        'message',
      ];
      for (const type of types) {
        client.addEventListener(type, (event: Event) => {
          const detail = (event as CustomEvent<unknown>).detail;
          const code = detail instanceof Error ? (detail as Error & { code: string }).code : undefined;
          window.__events.push({
            type,
            at: performance.now(),
            ...(code ? { code } : {}),
            detail: detail instanceof Error ? detail.message : JSON.parse(JSON.stringify(detail ?? null)),
          });
        });
      }
      try {
        await client.connect();
        return { connectedAt: performance.now(), connectedAudioTime: window.__probe.audioTime() };
      } catch (error) {
        return { errorCode: (error as { code?: string }).code ?? String(error) };
      }
    },
    { baseUrl: server.url, wsUrl, apiKey: call.apiKey ?? server.devApiKey, options: call.options ?? {} },
  );
}

export function events(page: TestPage): Promise<RecordedEvent[]> {
  return page.evaluate(() => window.__events ?? []);
}

/** Disconnects and resolves with the page time at which `disconnect()` was called. */
export function disconnectCall(page: TestPage): Promise<number> {
  return page.evaluate(async () => {
    const at = performance.now();
    await window.voiceClient?.disconnect();
    return at;
  });
}

/**
 * Disconnects and resolves with how many frames were still waiting out backpressure at that moment (read in the same
 * task as `disconnect()`): the transport drops them with the socket, uncounted. On a loaded machine the socket can
 * still be busy with the held start of the call when a short test hangs up.
 */
export function disconnectCountingQueued(page: TestPage): Promise<number> {
  return page.evaluate(async () => {
    const queued = window.voiceClient!.stats.transport.queuedFrames;
    await window.voiceClient!.disconnect();
    return queued;
  });
}
