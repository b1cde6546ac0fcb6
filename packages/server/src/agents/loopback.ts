/**
 * `loopback`: every audio frame received goes straight back, unchanged, through the network shaper. For latency
 * measurement: with shape `none` the only delay is the server's event loop.
 * @module
 */
import type { Agent } from './agent.ts';

/** The `loopback` agent. */
export function loopbackAgent(): Agent {
  return {
    name: 'loopback',
    start(ctx) {
      return { onAudio: (frame) => ctx.out.send(frame) };
    },
  };
}
