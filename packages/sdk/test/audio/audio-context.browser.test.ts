/** The AudioContext lifecycle in real Chromium (launched with the autoplay policy off, so contexts may run). */
import { afterEach, describe, expect, it } from 'vitest';
import { AudioContextKeeper, onNextUserGesture, resumeAudioContext } from '../../src/audio/audio-context.ts';
import { createAudioContext } from '../../src/audio/create-audio-context.ts';

const contexts: AudioContext[] = [];
afterEach(async () => {
  for (const context of contexts.splice(0)) if (context.state !== 'closed') await context.close();
});

function make(): AudioContext {
  const context = createAudioContext('interactive');
  contexts.push(context);
  return context;
}

describe('createAudioContext', () => {
  it('runs at the device rate, never at the 16 kHz wire rate', async () => {
    const context = make();
    expect(await resumeAudioContext(context, 2000)).toBe(true);
    const plain = new AudioContext(); // what the page would get with no options: the device's rate
    contexts.push(plain);
    expect(context.sampleRate).toBe(plain.sampleRate);
    expect(context.sampleRate).toBeGreaterThanOrEqual(44_100);
  });
});

describe('resumeAudioContext', () => {
  it('reports false for a closed context instead of hanging', async () => {
    const context = make();
    await context.close();
    expect(await resumeAudioContext(context, 100)).toBe(false);
  });
});

/**
 * Timing injection: a context like WebKit's at page load, whose resume() resolves at once while the context starts
 * running only `delayMs` later (a statechange then).
 */
class LateRunningContext extends EventTarget {
  state: AudioContextState = 'suspended';
  readonly #delayMs: number;
  constructor(delayMs: number) {
    super();
    this.#delayMs = delayMs;
  }
  resume(): Promise<void> {
    setTimeout(() => {
      this.state = 'running';
      this.dispatchEvent(new Event('statechange'));
    }, this.#delayMs);
    return Promise.resolve();
  }
}

describe('resumeAudioContext, a context that runs after resume() resolved', () => {
  it('waits for the state within the timeout: running, not blocked (it said blocked before)', async () => {
    const context = new LateRunningContext(80);
    const t0 = performance.now();
    expect(await resumeAudioContext(context as unknown as AudioContext, 1000)).toBe(true);
    // Answered when the state changed, not at the timeout.
    expect(performance.now() - t0).toBeLessThan(900);
  });

  it('still answers false once the timeout passes without the context running', async () => {
    const context = new LateRunningContext(5_000);
    expect(await resumeAudioContext(context as unknown as AudioContext, 100)).toBe(false);
  });
});

describe('AudioContextKeeper', () => {
  it('resumes a context that something else suspended (an OS interruption) and reports it running', async () => {
    const context = make();
    let running = 0;
    const keeper = new AudioContextKeeper(context, { onBlocked: () => {}, onRunning: () => running++ }, 1000);
    expect(await keeper.ensureRunning()).toBe(true);
    await context.suspend();
    await expect.poll(() => context.state).toBe('running');
    // WebKit updates `state` a task before it dispatches the statechange that reports it.
    await expect.poll(() => running).toBeGreaterThanOrEqual(1);
    expect(keeper.blocked).toBe(false);
    keeper.dispose();
  });

  it('stops watching after dispose', async () => {
    const context = make();
    const keeper = new AudioContextKeeper(context, { onBlocked: () => {}, onRunning: () => {} }, 1000);
    await keeper.ensureRunning();
    keeper.dispose();
    await context.suspend();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(context.state).toBe('suspended');
  });
});

/**
 * Failure injection: Chromium runs a context whenever the page captures the microphone, so a context the autoplay
 * policy blocks is faked here: resume() stays pending until a "gesture" lets it through, like Chromium's.
 */
class BlockedContext extends EventTarget {
  state: AudioContextState = 'suspended';
  resumeCalls = 0;
  #allowed = false;
  allowNextResume(): void {
    this.#allowed = true;
  }
  resume(): Promise<void> {
    this.resumeCalls++;
    if (!this.#allowed) return new Promise(() => {});
    this.state = 'running';
    this.dispatchEvent(new Event('statechange'));
    return Promise.resolve();
  }
}

/** A keeper over a context the autoplay policy blocks, recording its blocked/running callbacks (50 ms resume timeout). */
function blockedKeeper() {
  const context = new BlockedContext();
  const calls: string[] = [];
  const keeper = new AudioContextKeeper(
    context as unknown as AudioContext,
    { onBlocked: () => calls.push('blocked'), onRunning: () => calls.push('running') },
    50,
  );
  return { context, calls, keeper };
}

describe('AudioContextKeeper when the autoplay policy blocks', () => {
  it('reports blocked once, then resumes inside the next gesture in the page and reports running', async () => {
    const { context, calls, keeper } = blockedKeeper();
    expect(await keeper.ensureRunning()).toBe(false);
    expect(await keeper.ensureRunning()).toBe(false);
    expect(calls).toEqual(['blocked']);
    expect(keeper.blocked).toBe(true);
    context.allowNextResume();
    document.body.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
    await expect.poll(() => calls).toEqual(['blocked', 'running']);
    expect(keeper.blocked).toBe(false);
    // The gesture listener is gone: later clicks do not call resume() again.
    const resumes = context.resumeCalls;
    document.body.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
    expect(context.resumeCalls).toBe(resumes);
    keeper.dispose();
  });
});

describe('AudioContextKeeper.resumeFromGesture called outside a gesture', () => {
  it('resolves false after the timeout instead of hanging on the pending resume(), and still resumes on the next gesture', async () => {
    const { context, calls, keeper } = blockedKeeper();
    expect(await keeper.ensureRunning()).toBe(false);
    // What resumeAudio() from a timer or a network callback does: no user activation, so resume() never settles.
    expect(await keeper.resumeFromGesture()).toBe(false);
    expect(keeper.blocked).toBe(true);
    expect(calls).toEqual(['blocked']);
    // The failed attempt cancelled the wait for a gesture; it must have been armed again.
    context.allowNextResume();
    document.body.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
    await expect.poll(() => calls).toEqual(['blocked', 'running']);
    expect(keeper.blocked).toBe(false);
    keeper.dispose();
  });
});

describe('onNextUserGesture', () => {
  it('fires once, on the first gesture only', () => {
    const target = new EventTarget();
    let calls = 0;
    onNextUserGesture(() => calls++, target);
    target.dispatchEvent(new Event('pointerdown'));
    target.dispatchEvent(new Event('keydown'));
    expect(calls).toBe(1);
  });

  it('can be cancelled', () => {
    const target = new EventTarget();
    let calls = 0;
    const cancel = onNextUserGesture(() => calls++, target);
    cancel();
    target.dispatchEvent(new Event('click'));
    expect(calls).toBe(0);
  });
});
