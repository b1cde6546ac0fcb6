/**
 * Firefox's real capture path: a user-mode PulseAudio daemon with two null sinks, one as the speaker and one whose
 * monitor is the microphone. A WAV played into that sink (paplay) is what Firefox captures, through cubeb and
 * its own input pipeline, instead of the fake tone. Never exposed to WebKit (its clock ran 1.2× fast with it).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const PULSE_MIC_MONITOR = 'Monitor of MicFeed';

export interface PulseAudio {
  /** PULSE_SERVER for the browser's environment. */
  server: string;
  /** Plays `wav` into the microphone sink, `loops` times over. */
  play(wav: string, loops?: number): void;
  close(): Promise<void>;
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

export async function startPulseAudio(): Promise<PulseAudio> {
  const dir = mkdtempSync(path.join(tmpdir(), 'savants-pulse-'));
  const socket = path.join(dir, 'pa.sock');
  const server = `unix:${socket}`;
  const env = { ...process.env, XDG_RUNTIME_DIR: dir, PULSE_SERVER: server, HOME: dir };
  const daemon = spawn(
    'pulseaudio',
    [
      '-n',
      '--daemonize=no',
      '--exit-idle-time=-1',
      '--disallow-exit',
      '-L',
      `module-native-protocol-unix socket=${socket} auth-anonymous=1`,
      '-L',
      'module-null-sink sink_name=spk rate=48000 sink_properties=device.description=Speaker',
      '-L',
      'module-null-sink sink_name=micfeed rate=48000 sink_properties=device.description=MicFeed',
    ],
    { env, stdio: 'ignore', detached: true },
  );
  const players: ChildProcess[] = [];
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = spawn('pactl', ['info'], { env, stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => probe.once('exit', resolve));
    if (code === 0) break;
    if (daemon.exitCode !== null || Date.now() > deadline) {
      daemon.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error('PulseAudio did not start in 10 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    server,
    play(wav, loops = 1) {
      const script = `for i in $(seq ${loops}); do paplay --device=micfeed "$1" || exit 1; done`;
      players.push(spawn('bash', ['-c', script, 'play', wav], { env, stdio: 'ignore', detached: true }));
    },
    async close() {
      for (const child of [...players, daemon]) {
        if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {}
        }
      }
      await Promise.all([...players, daemon].map(exited));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
