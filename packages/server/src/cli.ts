#!/usr/bin/env node
/**
 * `pnpm run server [--port 8787] [--host 127.0.0.1] [--agent echo|loopback|tone|…] [--echo-pace realtime|N] [--token-ttl 60]
 * [--record-dir DIR] [--shape none|lan|wifi|mobile|burst] [--shape-seed 1] [--api-keys-file FILE] [--no-rate-limit]`
 * Prints the URLs and the development API key, logs JSON lines, and shuts down gracefully on SIGINT/SIGTERM.
 * @module
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AGENT_NAMES, isAgentName } from './agents/registry.ts';
import { redact } from './logger.ts';
import { SHAPE_NAMES, type ShapeName } from './network-model.ts';
import { DEFAULTS, DEV_API_KEY, type VoiceServerOptions } from './options.ts';
import { createVoiceServer } from './server.ts';

const USAGE = `Usage: pnpm run server [options]
  --port N             TCP port (0 = any free port)          default ${DEFAULTS.port}
  --host H             interface to listen on                 default ${DEFAULTS.host}
  --agent NAME         ${AGENT_NAMES.join(' | ')}   default ${DEFAULTS.agent}
  --echo-pace P        echo agent: realtime, or a speed factor  default realtime
  --token-ttl S        token lifetime in seconds              default ${DEFAULTS.tokenTtlSeconds}
  --auth-window MS     time allowed for the token frame       default ${DEFAULTS.authWindowMs}
  --record-dir DIR     write <session>.wav + <session>.json per session (relative to where you ran the command)
  --shape NAME         ${SHAPE_NAMES.join(' | ')}   default ${DEFAULTS.shape}
  --shape-seed N       seed of the network shape              default ${DEFAULTS.shapeSeed}
  --api-keys-file F    JSON array of keys or {key, deviceIds} (or set SAVANTS_API_KEYS=k1,k2)
  --no-rate-limit      disable the 60 requests/minute/device token limit
  --allow-query-overrides  honour ?agent=, ?shape=… from every client (default: loopback clients only)
  --help               print this and exit`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function integer(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer >= ${min}, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  let values: ReturnType<typeof parse>['values'];
  try {
    ({ values } = parse());
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values.agent !== undefined && !isAgentName(values.agent)) fail(`unknown agent ${values.agent}`);
  if (values.shape !== undefined && !(SHAPE_NAMES as readonly string[]).includes(values.shape)) fail(`unknown shape ${values.shape}`);

  const echoPace = values['echo-pace'];
  if (echoPace !== undefined && echoPace !== 'realtime' && !(Number(echoPace) > 0))
    fail(`--echo-pace must be realtime or a number > 0, got ${echoPace}`);
  const options: VoiceServerOptions = {
    port: integer('port', values.port, 0),
    host: values.host,
    agent: values.agent as VoiceServerOptions['agent'],
    agentOptions: echoPace === undefined ? undefined : { echo: { pace: echoPace === 'realtime' ? 'realtime' : Number(echoPace) } },
    tokenTtlSeconds: integer('token-ttl', values['token-ttl'], 1),
    authWindowMs: integer('auth-window', values['auth-window'], 1),
    recordDir: fromUserDir(values['record-dir']),
    shape: values.shape as ShapeName | undefined,
    shapeSeed: integer('shape-seed', values['shape-seed'], 0),
    apiKeysFile: fromUserDir(values['api-keys-file']),
    rateLimit: values['no-rate-limit'] ? false : undefined,
    allowQueryOverrides: values['allow-query-overrides'] ? true : undefined,
  };
  if (options.recordDir) mkdirSync(options.recordDir, { recursive: true });
  const server = await createVoiceServer(options);
  const key = server.devApiKey === DEV_API_KEY ? DEV_API_KEY : `${redact(server.devApiKey)} (from your key list)`;
  process.stdout.write(
    [
      '',
      `Savants Voice reference server (agent: ${values.agent ?? DEFAULTS.agent}, shape: ${values.shape ?? DEFAULTS.shape})`,
      `  API base URL : ${server.url}`,
      `  token        : POST ${server.url}/api/websocket-voice/token`,
      `  WebSocket    : ${server.wsUrl}`,
      `  API key      : ${key}`,
      `  try it       : curl -s -X POST ${server.url}/api/websocket-voice/token -H 'Content-Type: application/json' -d '{"apiKey":"${server.devApiKey === DEV_API_KEY ? DEV_API_KEY : 'YOUR_KEY'}","deviceId":"my-device"}'`,
      '',
      '',
    ].join('\n'),
  );

  let stoppingSince = 0;
  const shutdown = (signal: string) => {
    if (stoppingSince) {
      // One Ctrl-C can arrive twice (the terminal signals the whole group, and a parent such as scripts/demo.mjs
      // forwards it): only a signal a second later means "do not wait".
      if (Date.now() - stoppingSince > 1000) process.exit(1);
      return;
    }
    stoppingSince = Date.now();
    process.stdout.write(`\n${signal}: closing sockets (1001) and stopping…\n`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

/**
 * A path as the user meant it: relative to the directory they ran the command from. `pnpm run server` runs this
 * file in packages/server; pnpm (and npm) say where the user was in INIT_CWD.
 */
function fromUserDir(file: string | undefined): string | undefined {
  return file === undefined ? undefined : path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
}

function parse() {
  // `pnpm run server -- --help` hands the script a literal `--` first; parseArgs would make everything after it a
  // positional argument.
  const args = process.argv.slice(2);
  return parseArgs({
    args: args[0] === '--' ? args.slice(1) : args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      agent: { type: 'string' },
      'echo-pace': { type: 'string' },
      'token-ttl': { type: 'string' },
      'auth-window': { type: 'string' },
      'record-dir': { type: 'string' },
      shape: { type: 'string' },
      'shape-seed': { type: 'string' },
      'api-keys-file': { type: 'string' },
      'no-rate-limit': { type: 'boolean' },
      'allow-query-overrides': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`server failed to start: ${(error as Error).message ?? String(error)}\n`);
  process.exit(1);
});
