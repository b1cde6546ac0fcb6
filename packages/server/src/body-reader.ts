/**
 * Reads a small request body without trusting the client: the size limit is enforced on the declared
 * `Content-Length` and again on every chunk (refusing as soon as it is passed, never buffering more), and the whole
 * body must arrive within a deadline.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { TimerScope } from './timers.ts';

export type BodyResult = { ok: true; text: string } | { ok: false; reason: 'too_large' | 'timeout' | 'aborted' };

export function readBody(req: IncomingMessage, maxBytes: number, timeoutMs: number, timers: TimerScope): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve({ ok: false, reason: 'too_large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      timers.clear(timer);
      req.off('data', onData).off('end', onEnd).off('error', onAbort).off('close', onClose);
      if (!result.ok) req.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.byteLength;
      if (received > maxBytes) settle({ ok: false, reason: 'too_large' });
      else chunks.push(chunk);
    };
    const onEnd = () => settle({ ok: true, text: Buffer.concat(chunks).toString('utf8') });
    const onAbort = () => settle({ ok: false, reason: 'aborted' });
    const onClose = () => settle({ ok: false, reason: 'aborted' });
    const timer = timers.set(() => settle({ ok: false, reason: 'timeout' }), timeoutMs);
    req.on('data', onData).on('end', onEnd).on('error', onAbort).on('close', onClose);
  });
}
