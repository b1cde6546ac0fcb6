/**
 * Starts a reference server on a free port for the browser tests and hands its URLs to them
 * (`inject('voiceServer')`), so browser tests talk to a real server over real sockets.
 */
import type { TestProject } from 'vitest/node';
import { createVoiceServer } from '@savants/voice-server';

declare module 'vitest' {
  export interface ProvidedContext {
    voiceServer: { url: string; wsUrl: string; apiKey: string };
  }
}

export default async function setup(project: TestProject) {
  const server = await createVoiceServer({ port: 0, logger: () => {} });
  project.provide('voiceServer', { url: server.url, wsUrl: server.wsUrl, apiKey: server.devApiKey });
  return async () => {
    await server.close();
  };
}
