/**
 * `@savants/voice/dsp`: pure, DOM-free audio code. Runs in Node, workers and AudioWorkletGlobalScope.
 * @module
 */
export {};
