/**
 * Which engine a browser test runs in, and the one way to leave a test out of some engines: with the reason in one
 * line, which the runner prints in the skipped test's name. (Vitest names WebKit's instance 'safari': its
 * webdriverio provider only knows Safari by that name; vitest.config.ts runs WebKitGTK's MiniBrowser under it.)
 */
import { it } from 'vitest';
import { server } from 'vitest/browser';

export type Engine = 'chromium' | 'firefox' | 'webkit';

export const engine: Engine = server.browser === 'safari' ? 'webkit' : (server.browser as Engine);

/** `it`, or `it.skip` in the given engines with `reason` appended to the test's name. */
export function itExceptIn(engines: readonly Engine[], reason: string): typeof it {
  if (!engines.includes(engine)) return it;
  return ((name: string, ...rest: unknown[]) =>
    (it.skip as (...args: unknown[]) => void)(`${name} [not in ${engine}: ${reason}]`, ...rest)) as unknown as typeof it;
}

/**
 * Offline rendering with posts at exact frames (`OfflineAudioContext.suspend(t)`, post, `resume()`) works only in
 * Chromium: Firefox has no `OfflineAudioContext.suspend()`, and WebKit delivers a message posted during the suspend
 * only after rendering has moved on (measured: the tone started 65 ms late, a flush landed after the whole tone).
 */
export const itWithOfflineSuspend = itExceptIn(
  ['firefox', 'webkit'],
  'posts at exact offline render frames need OfflineAudioContext.suspend() with messages delivered during it (Firefox has no suspend(); WebKit delivers them after rendering resumes)',
);
