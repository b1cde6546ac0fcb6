/**
 * Output device selection through `AudioContext.setSinkId` (Chromium 110+). Browsers without it (Firefox,
 * Safari at the time of writing) get a clear error instead of a silent no-op.
 * @module
 */
import { VoiceError } from '../errors.ts';

interface SinkSelectable {
  setSinkId(sinkId: string): Promise<void>;
  readonly sinkId?: string | object;
}

function hasSetSinkId(context: AudioContext): context is AudioContext & SinkSelectable {
  return typeof (context as Partial<SinkSelectable>).setSinkId === 'function';
}

/** True where the output device can be chosen. */
export function canSelectOutputDevice(): boolean {
  return typeof AudioContext !== 'undefined' && typeof (AudioContext.prototype as Partial<SinkSelectable>).setSinkId === 'function';
}

/** Routes the context to `deviceId` ('' = the system default). Rejects with OUTPUT_DEVICE_FAILED. */
export async function setOutputDevice(context: AudioContext, deviceId: string): Promise<void> {
  if (!hasSetSinkId(context)) {
    throw new VoiceError('OUTPUT_DEVICE_FAILED', 'This browser cannot choose the output device (no AudioContext.setSinkId).');
  }
  try {
    await context.setSinkId(deviceId);
  } catch (cause) {
    throw new VoiceError('OUTPUT_DEVICE_FAILED', `The output device ${JSON.stringify(deviceId)} could not be selected: ${String(cause)}`, {
      cause,
    });
  }
}
