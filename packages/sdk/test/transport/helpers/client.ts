/**
 * Builds VoiceSockets against a real reference server, with `ws` as the WebSocket (Node has no browser socket
 * that honours every close code the same way) and, where asked, a fake clock.
 */
import { WebSocket as WS } from 'ws';
import type { ConnectionOptions, WebSocketConstructor } from '../../../src/options.ts';
import type { AudioSink } from '../../../src/transport/incoming-audio.ts';
import { VoiceSocket } from '../../../src/transport/voice-socket.ts';
import type { VoiceServer } from './server.ts';

export const NodeWebSocket: WebSocketConstructor = WS;

/** A device id unique to this test run, so tests sharing a server never share a socket or rate budget. */
let deviceCounter = 0;
export function uniqueDeviceId(): string {
  deviceCounter++;
  return `device-${process.pid}-${deviceCounter}`;
}

/** A VoiceSocket on `server` with the API key flow; `agent` picks the server's agent through the (reference-only) query. */
export function clientFor(
  server: VoiceServer,
  options: Partial<ConnectionOptions> & { agent?: string } = {},
  onAudio?: AudioSink,
): VoiceSocket {
  const { agent, ...rest } = options;
  const wsUrl = agent ? `${server.wsUrl}?agent=${agent}` : server.wsUrl;
  // A deviceId key that is present but undefined asks for the generated (stored) id.
  const deviceId = 'deviceId' in rest ? rest.deviceId : uniqueDeviceId();
  const auth = rest.token || rest.tokenUrl ? {} : { apiKey: rest.apiKey ?? server.devApiKey, deviceId };
  return new VoiceSocket({ baseUrl: server.url, wsUrl, WebSocket: NodeWebSocket, ...rest, ...auth }, onAudio ? { onAudio } : {});
}

/**
 * A `ws` WebSocket that records every frame the client sends (failure injection aside, the tests only read it).
 * `beforeToken` runs in the open handler before the SDK's own, to inject a protocol violation.
 */
export function recordingWebSocket(sent: Array<string | ArrayBuffer>, hooks: { onOpen?: (socket: WS) => void } = {}): WebSocketConstructor {
  return class RecordingWebSocket extends WS {
    constructor(url: string) {
      super(url);
      const original = this.send.bind(this) as (data: string | ArrayBuffer) => void;
      (this as unknown as { send: (data: string | ArrayBuffer) => void }).send = (data) => {
        sent.push(data);
        original(data);
      };
      if (hooks.onOpen) this.addEventListener('open', () => hooks.onOpen?.(this));
    }
  };
}

/** 20 ms of audio whose every sample holds `seq`, so order and loss are visible at the other end. */
export function numberedFrame(seq: number, samples = 320): ArrayBuffer {
  return new Int16Array(samples).fill(seq).buffer;
}

/** The sequence numbers in received audio, one per run of equal samples of frame length. */
export function sequenceOf(received: Int16Array[], samplesPerFrame = 320): number[] {
  const all = concat(received);
  const seqs: number[] = [];
  for (let i = 0; i + samplesPerFrame <= all.length; i += samplesPerFrame) seqs.push(all[i]!);
  return seqs;
}

export function concat(chunks: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
