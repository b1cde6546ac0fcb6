/**
 * The connection form's values: from the query string first (tests and shared links), then what the user typed
 * last time (localStorage, API key excepted), then the defaults of `pnpm run demo` (the reference server on 127.0.0.1:8787 with its
 * documented development key).
 *
 * An API key is never read from the URL (URLs end up in history, logs and Referer headers) and never from the build
 * environment (a `VITE_` variable is baked into the bundle for everyone who loads it): it is typed into the form, or
 * it is the reference server's public development key.
 */
export interface DemoSettings {
  serverUrl: string;
  auth: 'apiKey' | 'tokenUrl';
  apiKey: string;
  tokenUrl: string;
  agent: string;
  shape: string;
  echoCancellation: boolean;
  noiseSuppression: boolean;
  autoGainControl: boolean;
}

const STORAGE_KEY = 'savants-voice-demo';
/** The reference server's development key (packages/server, `DEV_API_KEY`): public, and accepted only by that server. */
const REFERENCE_SERVER_DEV_KEY = 'sk_dev_savants_local';

const DEFAULT_SETTINGS: DemoSettings = {
  serverUrl: import.meta.env.VITE_VOICE_SERVER_URL ?? 'http://127.0.0.1:8787',
  auth: 'apiKey',
  apiKey: REFERENCE_SERVER_DEV_KEY,
  tokenUrl: '',
  agent: 'echo',
  shape: 'none',
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

function fromQuery(params: URLSearchParams): Partial<DemoSettings> {
  const out: Partial<DemoSettings> = {};
  const text = (name: keyof DemoSettings, param: string = name) => {
    const value = params.get(param);
    if (value !== null) (out as Record<string, unknown>)[name] = value;
  };
  text('serverUrl', 'server');
  text('tokenUrl');
  text('agent');
  text('shape');
  if (params.has('tokenUrl')) out.auth = 'tokenUrl';
  // `?processing=off`: the browser's voice processing reshapes test tones, so tests switch it off.
  if (params.get('processing') === 'off') Object.assign(out, { echoCancellation: false, noiseSuppression: false, autoGainControl: false });
  return out;
}

function fromStorage(): Partial<DemoSettings> {
  try {
    // An API key is never taken from storage (see saveSettings), not even one an older demo stored.
    const { apiKey: _ignored, ...stored } = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<DemoSettings>;
    return stored;
  } catch {
    return {};
  }
}

export function loadSettings(params: URLSearchParams): DemoSettings {
  // A query string describes the whole setup (tests): stored values from another session must not leak into it.
  const query = fromQuery(params);
  return { ...DEFAULT_SETTINGS, ...(Object.keys(query).length ? {} : fromStorage()), ...query };
}

/** Remembers the form for the next visit, except the API key: a real key must not sit in localStorage, readable by any script on the origin. */
export function saveSettings(settings: DemoSettings): void {
  const { apiKey: _secret, ...remembered } = settings;
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(remembered));
  } catch {
    // Private windows may refuse storage; the demo works without it.
  }
}

/** The reference server lets the socket URL's query pick the agent and the network shape per session. */
export function socketUrl(settings: DemoSettings): string {
  const url = new URL(settings.serverUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/voice-stream`;
  url.search = '';
  if (settings.agent !== 'echo') url.searchParams.set('agent', settings.agent);
  if (settings.shape !== 'none') url.searchParams.set('shape', settings.shape);
  return url.href;
}
