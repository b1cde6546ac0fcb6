/** Waiting for events instead of sleeping. */

/** Resolves with the `detail` of the next `type` event whose detail satisfies `accept`. */
export function nextEvent<T = unknown>(target: EventTarget, type: string, accept: (detail: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const listener = (event: Event) => {
      const detail = (event as CustomEvent<T>).detail;
      if (!accept(detail)) return;
      target.removeEventListener(type, listener);
      resolve(detail);
    };
    target.addEventListener(type, listener);
  });
}

/** Records every event of the given types, in order, as `[type, detail]`. */
export function recordEvents(target: EventTarget, types: readonly string[]): Array<[string, unknown]> {
  const log: Array<[string, unknown]> = [];
  for (const type of types) target.addEventListener(type, (event) => log.push([type, (event as CustomEvent).detail]));
  return log;
}

/** The state sequence of a VoiceSocket, from its statechange events. */
export function recordStates(target: EventTarget): string[] {
  const states: string[] = [];
  target.addEventListener('statechange', (event) => states.push((event as CustomEvent<{ state: string }>).detail.state));
  return states;
}

/** Decodes a JWT's payload (no verification: tests only compare claims). */
export function jwtPayload(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(json) as Record<string, unknown>;
}
