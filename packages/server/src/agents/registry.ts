/**
 * Agents by name. The CLI's `--agent` and the socket URL's `?agent=` (reference server only) pick from here.
 * @module
 */
import type { Agent } from './agent.ts';
import { type EchoAgentOptions, echoAgent } from './echo.ts';
import { loopbackAgent } from './loopback.ts';
import { type DropAgentOptions, dropAgent, garbageAgent, silentConfirmAgent } from './scripted.ts';
import { type ToneAgentOptions, toneAgent } from './tone.ts';

export const AGENT_NAMES = ['echo', 'loopback', 'tone', 'silent-confirm', 'garbage', 'drop'] as const;
export type AgentName = (typeof AGENT_NAMES)[number];

/** Options of the built-in agents, by name. */
export interface AgentOptions {
  echo?: Partial<EchoAgentOptions>;
  tone?: Partial<ToneAgentOptions>;
  drop?: Partial<DropAgentOptions>;
}

export function isAgentName(name: string): name is AgentName {
  return (AGENT_NAMES as readonly string[]).includes(name);
}

/** A fresh instance of a built-in agent. */
export function createAgent(name: AgentName, options: AgentOptions = {}): Agent {
  switch (name) {
    case 'echo':
      return echoAgent(options.echo);
    case 'loopback':
      return loopbackAgent();
    case 'tone':
      return toneAgent(options.tone);
    case 'silent-confirm':
      return silentConfirmAgent();
    case 'garbage':
      return garbageAgent();
    case 'drop':
      return dropAgent(options.drop);
  }
}
