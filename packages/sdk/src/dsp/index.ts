/**
 * `@savants/voice/dsp`: pure, DOM-free audio code. Runs in Node, workers and AudioWorkletGlobalScope.
 * Constructors allocate; the per-block methods of every class here allocate nothing.
 * @module
 */
export { Resampler } from './resampler.ts';
export { designPolyphaseFilter, type PolyphaseFilter } from './sinc-filter.ts';
