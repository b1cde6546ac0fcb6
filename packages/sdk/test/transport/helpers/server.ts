/**
 * The reference server, imported by path: the sdk package does not list `@savants/voice-server` as a dependency
 * (adding it would change the lockfile), and the workspace does not hoist it.
 */
export { createVoiceServer, silentLogger, type VoiceServer, type VoiceServerOptions } from '../../../../server/src/index.ts';
