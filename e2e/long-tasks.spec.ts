/**
 * Issue 10: continuous agent audio (the tone agent) while the page's main thread is blocked by long tasks of
 * 100–500 ms every 2 s, as in a busy app (a 3D avatar, a heavy re-render). The socket lives on the main thread, so
 * every frame that arrives during a long task reaches the playback worklet only after it: to the jitter buffer, a
 * network stall. Measured from the buffer's own stats, sampled by the page every 25 ms: the gaps (underruns and
 * concealed time), and after each long task how long the delay (audio queued, not yet heard) takes to come back
 * within 20 ms of the buffer's target, and what the target did.
 *
 * Known loss (README, Measured): the buffer takes the repeated stalls for a network that stalls, and its target
 * grows to cover their mean (27 → 461–478 ms) and stays there while they go on; the delay follows the target, so it is
 * "back at the target" quickly, at a target half a second long. The goal (back to the pre-task delay within 3 s) needs
 * the audio to reach the worklet without the main thread, which the product's shape (a main-thread socket) rules out.
 */
import { writeFileSync } from 'node:fs';
import { connectCall, disconnectCall } from './call.ts';
import { exceptIn, expect, test } from './fixtures.ts';

exceptIn(
  ['firefox', 'webkit'],
  "the issue's measurement is Chromium's; Firefox's mock audio clock runs slow and WebKit delivers socket messages in bursts even without long tasks",
);

/** Long tasks in the order they run, one every 2 s. */
const TASKS_MS = [100, 300, 500, 200, 400, 150, 450, 250];
const PERIOD_MS = 2000;
/** Within this much of the target, the delay is back. */
const NEAR_MS = 20;
/** …and it stays there this long (a single sample near the target while it is still falling does not count). */
const HOLD_MS = 500;
/** The issue's goal for every long task. */
const GOAL_S = 3;

interface Sample {
  at: number;
  queuedMs: number;
  targetMs: number;
  underruns: number;
  concealedMs: number;
  overflowSamples: number;
  flushedSamples: number;
}

test('continuous agent audio through main-thread long tasks of 100–500 ms every 2 s: gaps, and the delay back at the target after each', async ({
  startServer,
  openPage,
}) => {
  test.setTimeout(90_000);
  const server = await startServer({ agent: 'tone' });
  const page = await openPage({ mic: 'tone440', loop: true });
  const { errorCode } = await connectCall(page, server, { agent: 'tone' });
  expect(errorCode).toBeUndefined();
  const { samples, tasks } = await page.evaluate(
    async ({ tasksMs, periodMs }) => {
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      const samples: Sample[] = [];
      const sampler = setInterval(() => {
        const j = window.voiceClient!.stats.jitterBuffer;
        if (j) samples.push({ at: performance.now(), ...j });
      }, 25);
      // Steady state first: the tone has played long enough for the target to settle.
      await sleep(4000);
      const tasks: { start: number; end: number }[] = [];
      for (const ms of tasksMs) {
        const start = performance.now();
        while (performance.now() - start < ms) {
          // A long task: the main thread does nothing else (no socket message, no stats message) until it ends.
        }
        tasks.push({ start, end: performance.now() });
        await sleep(periodMs - ms);
      }
      await sleep(2000);
      clearInterval(sampler);
      return { samples, tasks };
    },
    { tasksMs: TASKS_MS, periodMs: PERIOD_MS },
  );
  await disconnectCall(page);

  const first = samples.find((s) => s.at >= tasks[0]!.start)!;
  // The target the buffer held before the first task: the delay the issue asks to come back to.
  const startTargetMs = samples.filter((s) => s.at < tasks[0]!.start).at(-1)!.targetMs;
  const last = samples.at(-1)!;
  const results = tasks.map((task, i) => {
    const next = tasks[i + 1]?.start ?? last.at;
    const before = samples.filter((s) => s.at >= task.start - 1000 && s.at < task.start);
    const after = samples.filter((s) => s.at >= task.end && s.at < next);
    const excess = (s: Sample) => s.queuedMs - s.targetMs;
    // The first sample from which the delay stays within NEAR_MS of the target for HOLD_MS (or until the next task).
    const holds = (list: Sample[], s: Sample) =>
      list.filter((t) => t.at >= s.at && t.at < s.at + HOLD_MS).every((t) => excess(t) <= NEAR_MS);
    const back = after.find((s) => holds(after, s));
    // Reporting only: the same criterion on the second before the task (a whole hold inside it). The tone comes in
    // 20 ms frames, so the queue is a saw tooth 20 ms high, and the buffer gives delay back only beyond 20 ms of
    // excess (PlayoutSpeed): a steady state that fails this criterion says the criterion, not the task, fails.
    const steadyBefore = before.some((s) => s.at <= task.start - HOLD_MS && holds(before, s));
    return {
      taskMs: Math.round(task.end - task.start),
      targetBefore: before.at(-1)?.targetMs ?? Number.NaN,
      excessBefore: Math.max(...before.map(excess)),
      peakExcess: Math.max(...after.map(excess)),
      targetAfter: after.at(-1)?.targetMs ?? Number.NaN,
      backAfterS: back ? (back.at - task.end) / 1000 : Number.POSITIVE_INFINITY,
      windowS: (next - task.end) / 1000,
      // Reporting only: the gaps of this task's window, how far the delay fell below the target, how the target moved.
      underruns: (after.at(-1)?.underruns ?? 0) - (before.at(-1)?.underruns ?? 0),
      concealedMs: (after.at(-1)?.concealedMs ?? 0) - (before.at(-1)?.concealedMs ?? 0),
      minExcess: Math.min(...after.map(excess)),
      targetMax: Math.max(...after.map((s) => s.targetMs)),
      steadyBefore,
      // The least queued (the 20 ms frames make the queue a saw tooth) in the window's last 500 ms, against the target
      // before the first task.
      floorVsStartMs: Math.min(...after.filter((s) => s.at >= next - 500).map((s) => s.queuedMs)) - startTargetMs,
    };
  });
  if (process.env.LONG_TASKS_DUMP) writeFileSync(process.env.LONG_TASKS_DUMP, JSON.stringify({ samples, tasks }));
  for (const r of results) {
    const met = r.backAfterS <= GOAL_S;
    console.log(
      `long task ${r.taskMs} ms: delay beyond the target up to ${r.peakExcess} ms after it (${r.excessBefore} before), back within ${NEAR_MS} ms of it after ${Number.isFinite(r.backAfterS) ? `${r.backAfterS.toFixed(2)} s` : `more than the ${r.windowS.toFixed(1)} s to the next task`}${met ? '' : ` (goal ≤ ${GOAL_S} s: NOT MET)`}; target ${r.targetBefore} → ${r.targetAfter} ms (max ${r.targetMax}); ${r.underruns} underrun(s), ${r.concealedMs} ms concealed; lowest ${r.minExcess} ms against the target; the second before it ${r.steadyBefore ? 'met' : 'did not meet'} the same criterion; least queued in the last 0.5 s ${r.floorVsStartMs} ms above the ${startTargetMs} ms target before the first task`,
    );
  }
  console.log(
    `the criterion (every sample within ${NEAR_MS} ms above the target for ${HOLD_MS} ms) was not met in the second before ${results.filter((r) => !r.steadyBefore).length} of ${results.length} long tasks`,
  );
  const underruns = last.underruns - first.underruns;
  const concealedMs = last.concealedMs - first.concealedMs;
  console.log(
    `long tasks: ${underruns} underrun(s), ${concealedMs} ms concealed over ${((last.at - first.at) / 1000).toFixed(1)} s of tone; ${results.filter((r) => r.backAfterS <= GOAL_S).length} of ${results.length} long tasks given back within ${GOAL_S} s`,
  );
  // At most one gap per long task (the audio held back by the task, concealed once): a buffer that stutters on after
  // a task fails here. Measured: 3 and 5 underruns for 8 tasks, all in the first five, while the target grew.
  expect(underruns).toBeLessThanOrEqual(TASKS_MS.length);
  // Nothing lost: no overflow, nothing flushed (no barge-in here), and the tone kept playing to the end.
  expect(last.overflowSamples).toBe(0);
  expect(last.flushedSamples).toBe(0);
  expect(last.queuedMs).toBeGreaterThan(0);
  // The stats were sampled through every task's aftermath (the measurement itself is sound).
  for (const r of results) expect(Number.isFinite(r.peakExcess)).toBe(true);
});
