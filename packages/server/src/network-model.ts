/**
 * Seeded network models for the server's `--shape` and for the jitter-buffer benchmark.
 * STUB: the real models are being written; the contract below is fixed.
 */

export type ShapeName = 'none' | 'lan' | 'wifi' | 'mobile' | 'burst';
export const SHAPE_NAMES: readonly ShapeName[] = ['none', 'lan', 'wifi', 'mobile', 'burst'];

export interface NetworkModel {
  /**
   * When a chunk handed to the network at `sendMs` arrives, in ms on the same clock. Delivery is in order (TCP):
   * never earlier than the previous chunk's delivery. Deterministic for a given seed and call sequence.
   */
  deliver(sendMs: number, bytes: number): number;
}

export function createNetworkModel(shape: ShapeName, _seed = 1): NetworkModel {
  let last = 0;
  return {
    deliver(sendMs) {
      if (shape !== 'none') throw new Error(`network model ${shape}: not written yet`);
      last = Math.max(last, sendMs);
      return last;
    },
  };
}
