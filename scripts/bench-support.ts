// Shared by the benchmarks: a crowd of idle processes (so readers and views face a realistic
// process count) that is always removed again, and percentiles.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { Page } from 'playwright-core';

/** Each topping-up is a group of its own; all are removed together. */
const sleepers: ChildProcess[] = [];
let baseline: number | undefined;

/**
 * The last resort on exit or a signal: kills the whole group at once. Where pid 1 does not reap
 * orphans (some containers) the sleepers linger as zombies; stopSleepers() avoids that.
 */
export function removeSleepers(): void {
  for (const group of sleepers.splice(0)) {
    if (group.pid === undefined) continue;
    try {
      process.kill(-group.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

process.on('exit', removeSleepers);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    removeSleepers();
    process.exit(130);
  });
}

export const countProcesses = (): number =>
  fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name)).length;

export const pause = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Tops the machine up to `target` processes with idle `sleep`s (Linux); may be called again. */
export async function startSleepers(target: number): Promise<void> {
  baseline ??= countProcesses();
  const missing = target - countProcesses();
  if (missing <= 0) return;
  // One shell forks them all: far quicker than a thousand spawns from Node, and `detached` gives
  // it its own process group, so a single kill(-pgid) cleans up even if we die uncleanly.
  sleepers.push(
    spawn('sh', ['-c', `i=0; while [ $i -lt ${missing} ]; do sleep 600 & i=$((i+1)); done; wait`], {
      detached: true,
      stdio: 'ignore',
    }),
  );
  for (let waited = 0; countProcesses() < target && waited < 60_000; waited += 100)
    await pause(100);
}

/**
 * Kills the sleepers and waits until the process count is back where it was: their parent is
 * gone, so pid 1 reaps them, and some container inits do that only every few seconds — the next
 * benchmark must not count them.
 */
export async function stopSleepers(): Promise<void> {
  removeSleepers();
  const before = baseline ?? 0;
  baseline = undefined;
  for (let waited = 0; countProcesses() > before + 50 && waited < 20_000; waited += 200)
    await pause(200);
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

declare global {
  interface Window {
    __frameIntervals: number[];
  }
}

/**
 * Starts recording the page's frame intervals (ms) for `ms`, into a fresh
 * `window.__frameIntervals`; read it once that time is over.
 */
export async function recordFrameIntervals(page: Page, ms: number): Promise<void> {
  // A string, not a function: tsx would wrap named inner functions in a helper the page lacks.
  await page.evaluate(`{
    window.__frameIntervals = [];
    let last = performance.now();
    const stopAt = last + ${ms};
    function frame(now) {
      window.__frameIntervals.push(now - last);
      last = now;
      if (now < stopAt) requestAnimationFrame(frame);
    }
    requestAnimationFrame(frame);
  }`);
}
