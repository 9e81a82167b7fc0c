// Shared by the benchmarks: a crowd of idle processes (so readers and views face a realistic
// process count) that is always removed again, and percentiles.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

let sleepers: ChildProcess | undefined;

/** Kills the whole sleeper group: one shell and every `sleep` it started share its process group. */
export function removeSleepers(): void {
  if (sleepers?.pid === undefined) return;
  try {
    process.kill(-sleepers.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
  sleepers = undefined;
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

/** Tops the machine up to `target` processes with idle `sleep`s (Linux). */
export async function startSleepers(target: number): Promise<void> {
  const missing = target - countProcesses();
  if (missing <= 0) return;
  // One shell forks them all: far quicker than a thousand spawns from Node, and `detached` gives
  // it its own process group, so a single kill(-pgid) cleans up even if we die uncleanly.
  sleepers = spawn(
    'sh',
    ['-c', `i=0; while [ $i -lt ${missing} ]; do sleep 600 & i=$((i+1)); done; wait`],
    { detached: true, stdio: 'ignore' },
  );
  for (let waited = 0; countProcesses() < target && waited < 60_000; waited += 100)
    await pause(100);
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
