/**
 * The one place that knows how tests launch Chromium: the Debian package, never a downloaded browser.
 * CHROMIUM_PATH overrides the binary.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH =
  process.env.CHROMIUM_PATH ??
  ['/usr/bin/chromium', '/usr/lib/chromium/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ??
  '/usr/bin/chromium';

/** Flags for a headless Chromium on a machine with no network but loopback and no sound card. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

/** Flags for the fake microphone; with a WAV, Chromium plays that file as the mic. Append '%noloop' to play it once. */
export function fakeMicArgs(wav?: string): string[] {
  return [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    ...(wav ? [`--use-file-for-fake-audio-capture=${wav}`] : []),
  ];
}
