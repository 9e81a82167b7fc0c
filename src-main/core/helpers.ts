// Procscope's own helper processes — a Lab run's watchdog, the Python it asks for its version,
// the persistent shell a sampler keeps — are listed here while they run. The System view shows
// them like any process, but a signal from the user never reaches one: suspending a watchdog
// would leave its run with nobody to stop it. A process-wide fact, so one list per process.
import type { ChildProcess } from 'node:child_process';

const helpers = new Map<number, string>();

/** Lists `child` as a helper (`role` says what it does, for refusals) until it exits. */
export function trackHelper<C extends ChildProcess>(child: C, role: string): C {
  const { pid } = child;
  if (pid === undefined) return child;
  helpers.set(pid, role);
  child.once('exit', () => {
    if (helpers.get(pid) === role) helpers.delete(pid);
  });
  return child;
}

/** What a helper pid does, or undefined for anyone else's process. */
export function helperRole(pid: number): string | undefined {
  return helpers.get(pid);
}
