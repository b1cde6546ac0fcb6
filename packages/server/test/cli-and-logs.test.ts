import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TOKEN_PATH } from '@savants/voice/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { DEV_API_KEY, jsonLineLogger } from '../src/index.ts';
import { closeServers, openWithToken, postToken, startServer } from './helpers.ts';

const serverDir = path.resolve(import.meta.dirname, '..');
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await closeServers();
});

describe('logs', () => {
  it('are one JSON object per line and never hold an API key or a whole token', async () => {
    const lines: string[] = [];
    const secretKey = 'sk_live_0123456789abcdefSECRET';
    const server = await startServer({ apiKeys: [{ key: secretKey }], logger: jsonLineLogger((line) => lines.push(line)) });
    const answer = await postToken(server, { apiKey: secretKey, deviceId: 'device-log' });
    const { token } = answer.json as { token: string };
    await postToken(server, { apiKey: 'sk_wrong_key_wrong_key', deviceId: 'device-log' });
    const first = await openWithToken(server, token);
    await first.text(0); // confirmed
    const reused = await openWithToken(server, token); // refused: TOKEN_REUSED, logged with the token redacted
    await reused.closed;
    await server.close();
    expect(lines.length).toBeGreaterThan(4);
    for (const line of lines) {
      expect(line.endsWith('\n')).toBe(true);
      expect(line.trimEnd()).not.toContain('\n');
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(entry).toMatchObject({ time: expect.any(String), level: expect.any(String), event: expect.any(String) });
    }
    const all = lines.join('');
    expect(all).not.toContain(secretKey);
    expect(all).not.toContain('sk_wrong_key_wrong_key');
    expect(all).not.toContain(token);
    expect(all).not.toContain(token.split('.')[2]!); // not even the signature
    expect(all).toContain('…CRET'); // redacted to the last 4 characters
  });
});

/** Runs the CLI as `pnpm run server` does (Node 22 strips the types). */
function startCli(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ child: ChildProcess; output: () => string; url: string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@savants/source', '--experimental-strip-types', '--no-warnings', 'src/cli.ts', ...args],
    {
      cwd: serverDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let out = '';
  child.stdout!.on('data', (c) => {
    out += c;
  });
  child.stderr!.on('data', (c) => {
    out += c;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not start: ${out}`)), 10_000);
    const check = () => {
      const match = /API base URL : (http:\/\/\S+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      resolve({ child, output: () => out, url: match[1]! });
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`CLI exited with ${code}: ${out}`)));
  });
}

describe('CLI', () => {
  it('prints its URLs and the development key, serves the flow, and exits 0 on SIGTERM', async () => {
    const { child, output, url } = await startCli(['--port', '0', '--agent', 'loopback', '--token-ttl', '30']);
    expect(output()).toContain(`API key      : ${DEV_API_KEY}`);
    expect(output()).toMatch(/WebSocket {4}: ws:\/\/127\.0\.0\.1:\d+\/voice-stream/);
    const res = await fetch(`${url}${TOKEN_PATH}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiKey: DEV_API_KEY, deviceId: 'cli' }),
    });
    expect(res.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const { token } = (await res.json()) as { token: string };
    expect(output()).not.toContain(token);
  });

  it('`pnpm run server -- --help` (the separator pnpm passes on) prints the usage and exits 0', () => {
    const result = spawnSync('pnpm', ['run', '--silent', 'server', '--', '--help'], {
      cwd: path.resolve(serverDir, '../..'),
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: pnpm run server');
    expect(result.stdout).toContain('--record-dir DIR');
  });

  it('resolves a relative --record-dir against the directory the user ran the command from (INIT_CWD)', async () => {
    const userDir = mkdtempSync(path.join(tmpdir(), 'savants-user-'));
    const name = `rec-${process.pid}`;
    try {
      const { child } = await startCli(['--port', '0', '--record-dir', name], { ...process.env, INIT_CWD: userDir });
      expect(existsSync(path.join(userDir, name))).toBe(true);
      expect(existsSync(path.join(serverDir, name))).toBe(false);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    } finally {
      rmSync(userDir, { recursive: true, force: true });
      rmSync(path.join(serverDir, name), { recursive: true, force: true });
    }
  });

  it('refuses unknown options and values with usage and exit code 2', async () => {
    for (const args of [['--agent', 'nope'], ['--shape', 'mars'], ['--port', '-1'], ['--echo-pace', '0'], ['--bogus']]) {
      const child = spawn(
        process.execPath,
        ['--conditions=@savants/source', '--experimental-strip-types', '--no-warnings', 'src/cli.ts', ...args],
        { cwd: serverDir },
      );
      let err = '';
      child.stderr.on('data', (c) => {
        err += c;
      });
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(2);
      expect(err).toContain('Usage: pnpm run server');
    }
  });
});
