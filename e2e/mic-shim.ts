/**
 * A getUserMedia shim for the engines whose fake microphone cannot play a file (Firefox: a 1 kHz sine only; WebKit:
 * its mock hum and bursts): the WAV fixture, decoded in an AudioContext of the shim's own and played into a
 * MediaStreamAudioDestinationNode, is the stream getUserMedia returns. It starts when getUserMedia is called, like
 * Chromium's file-backed fake device, and the tests that use it say so in their names. Installed before the page
 * probe, so the probe counts the tracks it returns and not its own AudioContext.
 */
export interface WavMicOptions {
  /** URL of the WAV (served with CORS). */
  wavUrl: string;
  loop: boolean;
}

/** Runs in the page (serialised): must not reference anything outside itself. */
export function installWavMicrophone(options: WavMicOptions): void {
  // Firefox runs init scripts in every realm, the AudioWorkletGlobalScope included: only windows get the shim.
  if (typeof window === 'undefined' || typeof MediaDevices === 'undefined') return;
  const NativeAudioContext = window.AudioContext;
  let context: AudioContext | undefined;
  let buffer: Promise<AudioBuffer> | undefined;
  MediaDevices.prototype.getUserMedia = async (constraints?: MediaStreamConstraints) => {
    if (!constraints?.audio) throw new DOMException('the shim has a microphone only', 'NotFoundError');
    const audio = typeof constraints.audio === 'object' ? constraints.audio : {};
    const exact = typeof audio.deviceId === 'object' && !Array.isArray(audio.deviceId) ? audio.deviceId.exact : undefined;
    if (exact !== undefined && exact !== 'wav-fixture') throw new DOMException('no such device', 'OverconstrainedError');
    context ??= new NativeAudioContext();
    await context.resume();
    const ctx = context;
    buffer ??= fetch(options.wavUrl)
      .then((response) => response.arrayBuffer())
      .then((bytes) => ctx.decodeAudioData(bytes));
    const source = new AudioBufferSourceNode(ctx, { buffer: await buffer, loop: options.loop });
    const destination = new MediaStreamAudioDestinationNode(ctx, { channelCount: 1, channelCountMode: 'explicit' });
    source.connect(destination);
    source.start();
    const track = destination.stream.getAudioTracks()[0]!;
    const stop = track.stop.bind(track);
    track.stop = () => {
      stop();
      source.stop();
      source.disconnect();
    };
    return destination.stream;
  };
}

/**
 * WebKit only: a getUserMedia that refuses, as WebKit does when the user says no (NotAllowedError). WebKitWebDriver
 * has no command to deny a permission and MiniBrowser under automation grants every request, so the refusal is
 * injected; the test says so in its name (REFUSED_MIC in fixtures.ts). Runs in the page (serialised).
 */
export function installRefusedMicrophone(): void {
  if (typeof window === 'undefined' || typeof MediaDevices === 'undefined') return;
  MediaDevices.prototype.getUserMedia = async () => {
    throw new DOMException('The request is not allowed by the user agent or the platform in the current context.', 'NotAllowedError');
  };
}
