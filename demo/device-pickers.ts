/** The microphone and speaker pickers, filled from the SDK's device list (labels appear once permission is given). */
import type { AudioDevices } from '@savants/voice';

function fill(select: HTMLSelectElement, devices: MediaDeviceInfo[], kind: string): void {
  const current = select.value;
  const options = [new Option('System default', '')];
  devices.forEach((device, index) => {
    if (device.deviceId === 'default' || device.deviceId === '') return;
    options.push(new Option(device.label || `${kind} ${index + 1}`, device.deviceId));
  });
  select.replaceChildren(...options);
  select.value = options.some((option) => option.value === current) ? current : '';
}

export function renderDevices(mic: HTMLSelectElement, speaker: HTMLSelectElement, devices: AudioDevices): void {
  fill(mic, devices.inputs, 'Microphone');
  fill(speaker, devices.outputs, 'Speaker');
  // Where the browser cannot choose the output (no setSinkId), say so instead of offering a dead control.
  speaker.disabled = devices.outputs.length === 0;
  if (speaker.disabled) speaker.title = 'This browser cannot choose the output device';
}
