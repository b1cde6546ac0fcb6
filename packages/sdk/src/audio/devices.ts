/**
 * The audio devices the page may choose from. Labels are empty until the page has had microphone permission once
 * (a browser privacy rule), so call this after `connect()` or listen for `devicechange`.
 * @module
 */
import { canSelectOutputDevice } from './output-device.ts';

export interface AudioDevices {
  /** Microphones. */
  inputs: MediaDeviceInfo[];
  /** Speakers; empty where the browser cannot route audio to a chosen device. */
  outputs: MediaDeviceInfo[];
}

/** Lists microphones and speakers. Resolves to empty lists where `enumerateDevices` is missing. */
export async function listAudioDevices(): Promise<AudioDevices> {
  if (typeof navigator === 'undefined' || typeof navigator.mediaDevices?.enumerateDevices !== 'function')
    return { inputs: [], outputs: [] };
  const devices = await navigator.mediaDevices.enumerateDevices();
  return {
    inputs: devices.filter((device) => device.kind === 'audioinput'),
    outputs: canSelectOutputDevice() ? devices.filter((device) => device.kind === 'audiooutput') : [],
  };
}
