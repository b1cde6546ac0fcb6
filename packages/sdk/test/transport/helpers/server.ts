/**
 * The reference server, imported by path so these tests exercise the workspace's current server source.
 */
import { expect, vi } from 'vitest';
import type { VoiceServer } from '../../../../server/src/index.ts';

export { createVoiceServer, silentLogger, type VoiceServer, type VoiceServerOptions } from '../../../../server/src/index.ts';

/** Waits until the server holds no socket at all (authenticated or not): a leaked socket fails the test that leaked it. */
export async function serverIdle(server: VoiceServer): Promise<void> {
  await vi.waitFor(() => expect(server.stats()).toMatchObject({ sockets: 0, sessions: 0, pendingSockets: 0 }), { timeout: 5000 });
}
