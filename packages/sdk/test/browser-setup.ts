/**
 * Every browser test file starts with the inlined worklet code imported, as `VoiceClient.preload()` would: this
 * tier's dev server builds that module at its first import (the worklet-inline plugin bundles the worklets), which
 * took 2-5 s in WebKit on a loaded machine, in the Node process that also runs the reference server. Its token
 * answers waited meanwhile: a first `connect()` took 3.6 s, 3.1 s of them on the token request (13-106 ms alone).
 * The tests time the SDK, not the dev server; a test of the first import itself imports other modules.
 */
import { beforeAll } from 'vitest';
import { preloadInlinedWorklets } from '../src/audio/worklet-loader.ts';

beforeAll(() => preloadInlinedWorklets());
