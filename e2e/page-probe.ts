/**
 * Instruments a page before any of its scripts run (`context.addInitScript(installProbe)`): counts every
 * AudioContext, WebSocket, microphone track, AudioWorkletNode and token request the page creates, so a test can
 * tell what is still alive; and taps audio inside the SDK's own AudioContext (the microphone source and the
 * playback worklet's output) with a recorder worklet, stamped with the context's frame clock.
 * This is test instrumentation, not a fake: every object is the browser's real one, only observed.
 */

export interface ProbeCounts {
  contexts: number;
  liveContexts: number;
  sockets: number;
  liveSockets: number;
  tracks: number;
  liveTracks: number;
  workletNodes: number;
  liveWorkletNodes: number;
  tokenRequests: number;
}

export interface TapRecording {
  sampleRate: number;
  /** Context frame of the first recorded sample. */
  startFrame: number;
  /** Float32 samples, base64 (a JSON array of numbers would be ten times larger and slower to pass out). */
  base64: string;
  /** Context frame at which the tap's processor received `markTap()`'s message; -1 if none came. */
  markFrame: number;
}

/** Decodes a tap's samples (Node side). */
export function tapSamples(tap: TapRecording): Float32Array {
  const bytes = Buffer.from(tap.base64, 'base64');
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

declare global {
  interface Window {
    __probe: {
      contexts: AudioContext[];
      sockets: WebSocket[];
      tracks: MediaStreamTrack[];
      workletNodes: { node: AudioWorkletNode; name: string }[];
      sources: { node: MediaStreamAudioSourceNode; context: BaseAudioContext }[];
      tokenRequests: number;
      counts(): ProbeCounts;
      /**
       * The newest live AudioContext's clock, in seconds: what real-time pacing is measured against (Firefox's
       * mock audio device runs at 0.6–0.97× the wall clock).
       */
      audioTime(): number;
      /**
       * Records, from its first quantum, the next microphone source the page creates, with a tap connected in the
       * same task as the source (so before the SDK's capture worklet is); `stopTaps()` returns it as `input`.
       * Loads the tap module next to the page's first `addModule()` of that context.
       */
      armInputTap(seconds: number): void;
      /** Context time of the SDK capture worklet's first frame's last sample (`endTime`), once one came. */
      firstFrameEnd: number | undefined;
      /** Resolves once that clock has advanced `seconds`: a real-time wait measured in audio, not wall-clock, time. */
      audioSleep(seconds: number): Promise<void>;
      /** Starts recording the mic source and the playback output of the newest live context; `stop()` returns both. */
      startTaps(seconds: number): Promise<void>;
      stopTaps(): Promise<{ input: TapRecording; output: TapRecording }>;
      /**
       * Posts a message to the output tap's processor, which notes the frame it arrives at: a control for the
       * engine's main-thread-to-worklet latency, posted right after the SDK posts its own message.
       */
      markTap(): void;
    };
  }
}

/** Runs in the page (serialised by Playwright): must not reference anything outside itself. */
export function installProbe(): void {
  // Firefox runs init scripts in every realm, the AudioWorkletGlobalScope included: only windows are probed.
  if (typeof window === 'undefined' || typeof AudioWorkletNode === 'undefined') return;
  const probe = {
    contexts: [] as AudioContext[],
    sockets: [] as WebSocket[],
    tracks: [] as MediaStreamTrack[],
    workletNodes: [] as { node: AudioWorkletNode; name: string }[],
    sources: [] as { node: MediaStreamAudioSourceNode; context: BaseAudioContext }[],
    tokenRequests: 0,
    taps: null as null | { input: AudioWorkletNode; output: AudioWorkletNode; sink: GainNode },
    armedSeconds: 0,
    firstFrameEnd: undefined as number | undefined,
  };

  const NativeAudioContext = window.AudioContext;
  window.AudioContext = class extends NativeAudioContext {
    constructor(options?: AudioContextOptions) {
      super(options);
      probe.contexts.push(this);
    }
  };
  const NativeWebSocket = window.WebSocket;
  const ProbedWebSocket = class extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      // Only the SDK's sockets: the dev server's hot-reload socket lives as long as the page.
      if (String(url).includes('/voice-stream')) probe.sockets.push(this);
    }
  };
  window.WebSocket = ProbedWebSocket;
  const NativeWorkletNode = window.AudioWorkletNode;
  window.AudioWorkletNode = class extends NativeWorkletNode {
    constructor(context: BaseAudioContext, name: string, options?: AudioWorkletNodeOptions) {
      super(context, name, options);
      if (!name.startsWith('e2e-')) probe.workletNodes.push({ node: this, name });
      if (name.startsWith('savants-capture')) {
        probe.firstFrameEnd = undefined;
        this.port.addEventListener('message', (event: MessageEvent<{ type: string; endTime: number }>) => {
          if (event.data.type === 'frame') probe.firstFrameEnd ??= event.data.endTime;
        });
      }
    }
  };
  const getUserMedia = MediaDevices.prototype.getUserMedia;
  MediaDevices.prototype.getUserMedia = async function (this: MediaDevices, constraints?: MediaStreamConstraints) {
    const stream = await getUserMedia.call(this, constraints);
    probe.tracks.push(...stream.getTracks());
    return stream;
  };
  const createSource = AudioContext.prototype.createMediaStreamSource;
  NativeAudioContext.prototype.createMediaStreamSource = function (this: AudioContext, stream: MediaStream) {
    const node = createSource.call(this, stream);
    probe.sources.push({ node, context: this });
    if (probe.armedSeconds > 0 && tapModules.has(this)) {
      const input = makeTap(this, probe.armedSeconds);
      const sink = this.createGain();
      sink.gain.value = 0;
      input.connect(sink);
      sink.connect(this.destination);
      node.connect(input);
      // No playback to tap yet: an output tap with nothing connected keeps stopTaps()'s shape.
      const output = makeTap(this, 0.01);
      output.connect(sink);
      probe.taps = { input, output, sink };
      probe.armedSeconds = 0;
    }
    return node;
  };
  const nativeFetch = window.fetch;
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    if (String(input instanceof Request ? input.url : input).includes('/api/websocket-voice/token')) probe.tokenRequests++;
    return nativeFetch(input, init);
  };

  // The recorder: copies its input into a preallocated buffer; posts it when asked. Test-only code.
  const tapSource = `
    class Tap extends AudioWorkletProcessor {
      constructor(options) { super(); this.buf = new Float32Array(options.processorOptions.capacity); this.n = 0; this.start = -1;
        this.mark = -1;
        this.port.onmessage = (e) => { if (e.data === 'mark') this.mark = currentFrame;
          else this.port.postMessage({ startFrame: this.start, samples: this.buf.subarray(0, this.n), markFrame: this.mark }); }; }
      process(inputs) {
        const ch = inputs[0] && inputs[0][0];
        if (this.start < 0) this.start = currentFrame;
        const len = 128;
        if (this.n + len <= this.buf.length) { if (ch) this.buf.set(ch, this.n); this.n += len; }
        return true;
      }
    }
    registerProcessor('e2e-tap', Tap);`;
  // A data: URL as the SDK uses, not a Blob URL: WebKit can freeze in addModule() of a Blob URL (worklet-loader.ts).
  const tapUrl = `data:text/javascript;charset=utf-8,${encodeURIComponent(tapSource)}`;
  const tapModules = new WeakSet<BaseAudioContext>();
  const makeTap = (context: BaseAudioContext, seconds: number) =>
    new NativeWorkletNode(context, 'e2e-tap', {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      channelCount: 1,
      channelCountMode: 'explicit',
      processorOptions: { capacity: Math.ceil((seconds * context.sampleRate) / 128) * 128 },
    });
  const addModule = AudioWorklet.prototype.addModule;
  AudioWorklet.prototype.addModule = function (this: AudioWorklet, url: string | URL, options?: WorkletOptions) {
    const context = probe.contexts.find((c) => c.audioWorklet === this);
    if (!probe.armedSeconds || !context || tapModules.has(context)) return addModule.call(this, url, options);
    tapModules.add(context);
    return Promise.all([addModule.call(this, tapUrl), addModule.call(this, url, options)]).then(() => undefined);
  };

  const api = {
    audioTime(): number {
      return [...probe.contexts].reverse().find((c) => c.state !== 'closed')?.currentTime ?? Number.NaN;
    },
    async audioSleep(seconds: number): Promise<void> {
      const until = api.audioTime() + seconds;
      while (api.audioTime() < until) await new Promise((resolve) => setTimeout(resolve, 10));
    },
    counts(): ProbeCounts {
      return {
        contexts: probe.contexts.length,
        liveContexts: probe.contexts.filter((c) => c.state !== 'closed').length,
        sockets: probe.sockets.length,
        liveSockets: probe.sockets.filter((s) => s.readyState !== WebSocket.CLOSED).length,
        tracks: probe.tracks.length,
        liveTracks: probe.tracks.filter((t) => t.readyState === 'live').length,
        workletNodes: probe.workletNodes.length,
        liveWorkletNodes: probe.workletNodes.filter((w) => w.node.context.state !== 'closed').length,
        tokenRequests: probe.tokenRequests,
      };
    },
    armInputTap(seconds: number): void {
      probe.armedSeconds = seconds;
    },
    async startTaps(seconds: number): Promise<void> {
      const context = [...probe.contexts].reverse().find((c) => c.state !== 'closed');
      const playback = [...probe.workletNodes].reverse().find((w) => w.name.startsWith('savants-playback') && w.node.context === context);
      const source = [...probe.sources].reverse().find((s) => s.context === context);
      if (!context || !playback || !source) throw new Error('no live call to tap');
      if (!tapModules.has(context)) await context.audioWorklet.addModule(tapUrl);
      tapModules.add(context);
      const input = makeTap(context, seconds);
      const output = makeTap(context, seconds);
      // A silent sink keeps both taps in the rendered graph.
      const sink = context.createGain();
      sink.gain.value = 0;
      input.connect(sink);
      output.connect(sink);
      sink.connect(context.destination);
      source.node.connect(input);
      playback.node.connect(output);
      probe.taps = { input, output, sink };
    },
    async stopTaps(): Promise<{ input: TapRecording; output: TapRecording }> {
      const taps = probe.taps;
      if (!taps) throw new Error('taps not started');
      const read = (node: AudioWorkletNode) =>
        new Promise<TapRecording>((resolve) => {
          node.port.onmessage = (event: MessageEvent<{ startFrame: number; samples: Float32Array; markFrame: number }>) => {
            const bytes = new Uint8Array(event.data.samples.buffer, event.data.samples.byteOffset, event.data.samples.byteLength);
            let binary = '';
            for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
            const { startFrame, markFrame } = event.data;
            resolve({ sampleRate: node.context.sampleRate, startFrame, markFrame, base64: btoa(binary) });
          };
          node.port.postMessage('dump');
        });
      const [input, output] = await Promise.all([read(taps.input), read(taps.output)]);
      taps.input.disconnect();
      taps.output.disconnect();
      taps.sink.disconnect();
      probe.taps = null;
      return { input, output };
    },
    markTap(): void {
      if (!probe.taps) throw new Error('taps not started');
      probe.taps.output.port.postMessage('mark');
    },
  };
  window.__probe = Object.assign(probe, api);
}
