/**
 * A VoiceClient for browser tests against the reference server of the browser global setup (`inject('voiceServer')`),
 * with the browser's audio processing off (the fake microphone's signal arrives as it is) and the listed events logged.
 */
import { inject } from 'vitest';
import { VoiceClient } from '../../src/client.ts';
import type { VoiceClientEvents, VoiceClientOptions } from '../../src/index.ts';

export type LoggedEvent = { type: string; detail: unknown };

export function makeTestClient(
  agent: 'echo' | 'loopback' | 'tone',
  types: readonly (keyof VoiceClientEvents)[],
  options: Partial<VoiceClientOptions> = {},
): { client: VoiceClient; events: LoggedEvent[] } {
  const server = inject('voiceServer');
  const client = new VoiceClient({
    baseUrl: server.url,
    wsUrl: `${server.wsUrl}?agent=${agent}`,
    apiKey: server.apiKey,
    echoCancellation: false,
    noiseSuppression: false,
    autoGainControl: false,
    ...options,
  });
  const events: LoggedEvent[] = [];
  for (const type of types) client.addEventListener(type, (event: CustomEvent<unknown>) => events.push({ type, detail: event.detail }));
  return { client, events };
}
