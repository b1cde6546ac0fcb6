/** The jitter-buffer and link figures, refreshed a few times a second from `client.stats`. */
import type { VoiceClientStats } from '@savants/voice';

const ms = (value: number | undefined) => (value === undefined ? '–' : `${Math.round(value)} ms`);
const count = (value: number | undefined) => (value === undefined ? '–' : value.toLocaleString());
const bytes = (value: number) => (value < 1024 * 1024 ? `${(value / 1024).toFixed(1)} KB` : `${(value / 1024 / 1024).toFixed(2)} MB`);

export function renderStats(list: HTMLDListElement, stats: VoiceClientStats | undefined): void {
  const jitter = stats?.jitterBuffer;
  const rows: [string, string][] = [
    ['Queued', ms(jitter?.queuedMs)],
    ['Target', ms(jitter?.targetMs)],
    ['Underruns', count(jitter?.underruns)],
    ['Late (concealed)', ms(jitter?.lateMs)],
    ['Latency (buffer + output)', jitter && stats?.outputLatencyMs !== undefined ? ms(jitter.queuedMs + stats.outputLatencyMs) : '–'],
    ['Played', jitter ? `${(jitter.playedSamples / 16000).toFixed(1)} s` : '–'],
    ['Sent', stats ? bytes(stats.bytesSent) : '–'],
    ['Received', stats ? bytes(stats.bytesReceived) : '–'],
    ['Dropped frames', count(stats?.droppedFrames)],
    ['Reconnects', count(stats?.reconnects)],
    ['Context rate', stats?.sampleRate ? `${(stats.sampleRate / 1000).toFixed(1)} kHz` : '–'],
    ['Session', stats?.sessionId ?? '–'],
  ];
  list.replaceChildren(
    ...rows.map(([term, value]) => {
      const row = document.createElement('div');
      const dt = document.createElement('dt');
      const dd = document.createElement('dd');
      dt.textContent = term;
      dd.textContent = value;
      dd.title = value;
      row.append(dt, dd);
      return row;
    }),
  );
}
