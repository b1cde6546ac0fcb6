/**
 * The demo page: one VoiceClient, every control of the public API, and a live view of what it reports.
 * `?build=source|esm|iife` picks which SDK build drives it; `?debug` exposes the SDK on `window.SavantsVoice`;
 * the client is always on `window.voiceClient`, from page load on (tests drive and inspect it there). `?server=`,
 * `?tokenUrl=`, `?agent=`, `?shape=`, `?processing=off` pre-fill the form (never an API key: see settings.ts);
 * `?autoconnect` connects on load.
 */
import type { VoiceClient, VoiceClientOptions } from '@savants/voice';
import { renderDevices } from './device-pickers.ts';
import { EventLog } from './event-log.ts';
import { LevelView } from './level-view.ts';
import { buildFromQuery, loadSdk, type Sdk } from './sdk-loader.ts';
import { type DemoSettings, loadSettings, saveSettings, socketUrl } from './settings.ts';
import { renderStats } from './stats-view.ts';

declare global {
  interface Window {
    voiceClient?: VoiceClient;
    /** Set once the page is wired (tests wait for it). */
    demoReady?: boolean;
  }
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  form: $<HTMLFormElement>('connection-form'),
  serverUrl: $<HTMLInputElement>('server-url'),
  apiKey: $<HTMLInputElement>('api-key'),
  tokenUrl: $<HTMLInputElement>('token-url'),
  agent: $<HTMLSelectElement>('agent'),
  shape: $<HTMLSelectElement>('shape'),
  connect: $<HTMLButtonElement>('connect'),
  disconnect: $<HTMLButtonElement>('disconnect'),
  mute: $<HTMLButtonElement>('mute'),
  interrupt: $<HTMLButtonElement>('interrupt'),
  resumeAudio: $<HTMLButtonElement>('resume-audio'),
  volume: $<HTMLInputElement>('volume'),
  volumeValue: $<HTMLElement>('volume-value'),
  mic: $<HTMLSelectElement>('mic-select'),
  speaker: $<HTMLSelectElement>('speaker-select'),
  echoCancellation: $<HTMLInputElement>('echo-cancellation'),
  noiseSuppression: $<HTMLInputElement>('noise-suppression'),
  autoGain: $<HTMLInputElement>('auto-gain'),
  badge: $<HTMLElement>('state-badge'),
  speaking: $<HTMLElement>('agent-speaking'),
  stats: $<HTMLDListElement>('stats'),
  buildLabel: $<HTMLElement>('build-label'),
};

const params = new URLSearchParams(location.search);
const build = buildFromQuery(params);
const log = new EventLog($<HTMLOListElement>('event-log'), $<HTMLButtonElement>('clear-log'));
const levels = new LevelView($<HTMLCanvasElement>('waveform'), {
  input: { bar: $('input-bar'), label: $<HTMLOutputElement>('input-db') },
  output: { bar: $('output-bar'), label: $<HTMLOutputElement>('output-db') },
});

function readForm(): DemoSettings {
  return {
    serverUrl: ui.serverUrl.value.trim(),
    auth: (new FormData(ui.form).get('auth') as DemoSettings['auth']) ?? 'apiKey',
    apiKey: ui.apiKey.value.trim(),
    tokenUrl: ui.tokenUrl.value.trim(),
    agent: ui.agent.value,
    shape: ui.shape.value,
    echoCancellation: ui.echoCancellation.checked,
    noiseSuppression: ui.noiseSuppression.checked,
    autoGainControl: ui.autoGain.checked,
  };
}

function writeForm(settings: DemoSettings): void {
  ui.serverUrl.value = settings.serverUrl;
  ui.apiKey.value = settings.apiKey;
  ui.tokenUrl.value = settings.tokenUrl;
  ui.agent.value = settings.agent;
  ui.shape.value = settings.shape;
  ui.echoCancellation.checked = settings.echoCancellation;
  ui.noiseSuppression.checked = settings.noiseSuppression;
  ui.autoGain.checked = settings.autoGainControl;
  for (const radio of ui.form.querySelectorAll<HTMLInputElement>('input[name="auth"]')) radio.checked = radio.value === settings.auth;
  showAuthFields(settings.auth);
}

function showAuthFields(auth: DemoSettings['auth']): void {
  for (const field of ui.form.querySelectorAll<HTMLElement>('[data-auth]')) field.hidden = field.dataset.auth !== auth;
}

function clientOptions(settings: DemoSettings): VoiceClientOptions {
  const common: VoiceClientOptions = {
    echoCancellation: settings.echoCancellation,
    noiseSuppression: settings.noiseSuppression,
    autoGainControl: settings.autoGainControl,
    volume: Number(ui.volume.value),
    ...(ui.mic.value ? { inputDeviceId: ui.mic.value } : {}),
    ...(ui.speaker.value ? { outputDeviceId: ui.speaker.value } : {}),
    // ?worklets=self: load the self-hosted worklet files (the strict-CSP path) instead of the inlined data: URLs.
    ...(params.get('worklets') === 'self' ? { workletBaseUrl: '/sdk-dist/worklets/' } : {}),
  };
  if (settings.auth === 'tokenUrl') return { ...common, tokenUrl: settings.tokenUrl, wsUrl: socketUrl(settings) };
  return { ...common, apiKey: settings.apiKey, baseUrl: settings.serverUrl, wsUrl: socketUrl(settings) };
}

function setBusy(state: string): void {
  ui.badge.textContent = state;
  ui.badge.dataset.state = state;
  const live = state !== 'idle' && state !== 'closed' && state !== 'error';
  ui.connect.disabled = live;
  ui.disconnect.disabled = !live;
  ui.mute.disabled = !live;
  ui.interrupt.disabled = state !== 'connected';
}

function wire(sdk: Sdk, client: VoiceClient): void {
  const logged = [
    'connected',
    'disconnected',
    'error',
    'reconnecting',
    'reconnected',
    'agentspeakingstart',
    'agentspeakingend',
    'devicechange',
    'audioblocked',
    'message',
  ] as const;
  for (const type of logged) client.addEventListener(type, (event: CustomEvent<unknown>) => log.add(type, event.detail));
  client.addEventListener('statechange', (event) => {
    log.add('statechange', `${event.detail.previous} → ${event.detail.state}`);
    setBusy(event.detail.state);
  });
  client.addEventListener('level', (event) => levels.update(event.detail.source, event.detail.rmsDb, event.detail.peakDb));
  client.addEventListener('agentspeakingstart', () => {
    ui.speaking.hidden = false;
  });
  client.addEventListener('agentspeakingend', () => {
    ui.speaking.hidden = true;
  });
  client.addEventListener('audioblocked', () => {
    ui.resumeAudio.hidden = false;
  });
  client.addEventListener('devicechange', () => void refreshDevices(sdk));
  client.addEventListener('connected', () => void refreshDevices(sdk));
  client.addEventListener('disconnected', () => {
    levels.reset();
    ui.speaking.hidden = true;
    ui.resumeAudio.hidden = true;
  });
}

async function refreshDevices(sdk: Sdk): Promise<void> {
  renderDevices(ui.mic, ui.speaker, await sdk.listAudioDevices());
}

async function main(): Promise<void> {
  ui.buildLabel.textContent = build;
  writeForm(loadSettings(params));
  const sdk = await loadSdk(build);
  if (params.has('debug') || build === 'iife') window.SavantsVoice = sdk;
  let client: VoiceClient | undefined;
  let optionsKey = '';

  /** A client per distinct set of connection options; the old one is disconnected first. */
  async function clientFor(settings: DemoSettings): Promise<VoiceClient> {
    const options = clientOptions(settings);
    const key = JSON.stringify({ ...options, volume: 0, inputDeviceId: 0, outputDeviceId: 0 });
    if (client && key === optionsKey) return client;
    await client?.disconnect();
    client = new sdk.VoiceClient(options);
    optionsKey = key;
    window.voiceClient = client;
    wire(sdk, client);
    // The call code loads now, while the page is idle, rather than at the first click: the first call then opens
    // the microphone at once and its first words reach the agent.
    void client.preload();
    return client;
  }

  ui.form.addEventListener('change', (event) => {
    if ((event.target as HTMLInputElement).name === 'auth') showAuthFields(readForm().auth);
  });
  ui.form.addEventListener('submit', (event) => {
    event.preventDefault();
    const settings = readForm();
    saveSettings(settings);
    // connect() is called inside the click's task (no await before it) so the AudioContext may start.
    const connecting = clientFor(settings).then((c) => c.connect());
    connecting.catch((error: unknown) => log.add('error', error));
  });
  ui.disconnect.addEventListener('click', () => void client?.disconnect());
  ui.mute.addEventListener('click', () => {
    if (!client) return;
    if (client.muted) client.unmute();
    else client.mute();
    ui.mute.setAttribute('aria-pressed', String(client.muted));
    ui.mute.textContent = client.muted ? 'Unmute' : 'Mute';
  });
  ui.interrupt.addEventListener('click', async () => {
    const result = await client?.interrupt();
    if (result) log.add('interrupt', `played ${Math.round(result.playedMs)} ms of the turn, dropped ${Math.round(result.droppedMs)} ms`);
  });
  ui.resumeAudio.addEventListener('click', async () => {
    if (await client?.resumeAudio()) ui.resumeAudio.hidden = true;
  });
  ui.volume.addEventListener('input', () => {
    const volume = Number(ui.volume.value);
    ui.volumeValue.textContent = `${Math.round(volume * 100)}%`;
    client?.setVolume(volume);
  });
  ui.mic.addEventListener('change', () => {
    client?.setInputDevice(ui.mic.value || undefined).catch((error: unknown) => log.add('error', error));
  });
  ui.speaker.addEventListener('change', () => {
    client?.setOutputDevice(ui.speaker.value).catch((error: unknown) => log.add('error', error));
  });
  ui.shape.addEventListener('change', () => {
    // The shape is chosen per session: a live call is re-established with the new one.
    if (client && client.state !== 'idle' && client.state !== 'closed' && client.state !== 'error') ui.form.requestSubmit();
  });
  $('theme-toggle').addEventListener('click', () => {
    const dark = document.documentElement.dataset.theme
      ? document.documentElement.dataset.theme === 'dark'
      : matchMedia('(prefers-color-scheme: dark)').matches;
    document.documentElement.dataset.theme = dark ? 'light' : 'dark';
  });
  setInterval(() => renderStats(ui.stats, client?.stats), 250);
  renderStats(ui.stats, undefined);
  setBusy('idle');
  // A client from the start, so `window.voiceClient` always exists (the constructor never connects). Options the SDK
  // refuses (an empty token URL, an API key on a page that is not on a loopback host) are shown in the log.
  await clientFor(readForm()).catch((error: unknown) => log.add('error', error));
  await refreshDevices(sdk);
  window.demoReady = true;
  log.add('ready', `SDK loaded from the ${build} build`);
  // `?autoconnect`: connect without a click (kiosks, and the test of the autoplay-blocked path).
  if (params.has('autoconnect')) ui.form.requestSubmit();
}

main().catch((error: unknown) => {
  log.add('error', error);
  console.error(error);
});
