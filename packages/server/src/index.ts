/**
 * `@savants/voice-server`: the reference Voice API server, as a library. The CLI is `./cli.ts`.
 * @module
 */
export type { Agent, AgentContext, AgentSession, AudioOut, Pace } from './agents/agent.ts';
export { ECHO_DEFAULTS, type EchoAgentOptions, echoAgent } from './agents/echo.ts';
export { loopbackAgent } from './agents/loopback.ts';
export { AGENT_NAMES, type AgentName, type AgentOptions, createAgent, isAgentName } from './agents/registry.ts';
export { type DropAgentOptions, dropAgent, GARBAGE_SEQUENCE, garbageAgent, silentConfirmAgent } from './agents/scripted.ts';
export { sineFrames, TONE_DEFAULTS, type ToneAgentOptions, toneAgent } from './agents/tone.ts';
export { HTTP_ERROR_MESSAGES } from './http-io.ts';
export { jsonLineLogger, type Logger, type LogLevel, redact, silentLogger } from './logger.ts';
export { createNetworkModel, type NetworkModel, SHAPE_NAMES, type ShapeName } from './network-model.ts';
export { type ApiKeyEntry, DEFAULTS, DEV_API_KEY, type RateLimit, type VoiceServerOptions } from './options.ts';
export { FRAME_BYTES, FRAME_SAMPLES } from './pcm.ts';
export type { RecordingSidecar } from './recorder.ts';
export { createVoiceServer, type VoiceServer, type VoiceServerStats } from './server.ts';
export { SOCKET_ERROR_MESSAGES } from './socket-frames.ts';
export { TOKEN_CACHE_CONTROL } from './token-endpoint.ts';
export { WAV_HEADER_BYTES, wavHeader } from './wav.ts';
