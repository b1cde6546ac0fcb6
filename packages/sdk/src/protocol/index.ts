/**
 * `@savants/voice/protocol`: the wire contract of the Savants Voice API v1. DOM-free; the reference server imports it.
 * @module @savants/voice/protocol
 */
export * from './codes.ts';
export * from './constants.ts';
export * from './parse.ts';
export * from './schemas.ts';
