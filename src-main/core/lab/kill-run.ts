// Procscope's own kill of a run, for when the run's watchdog cannot do it (suspended, hung):
// everything under the watchdog — with the watchdog as subreaper that is the whole run, setsid'd
// and double-forked processes included — and the run's process group, frozen, then killed, and
// the watchdog last. Never waits on anything the run could hold up.
import type { ProcessTreeReader } from './process-tree';

type Kill = (pid: number, signal: NodeJS.Signals) => void;

export async function killRun(
  tree: ProcessTreeReader,
  watchdogPid: number,
  rootPid: number | null,
  /** Pids of the run seen so far: still found if they were reparented elsewhere. */
  known: readonly number[],
  kill: Kill = (pid, signal) => process.kill(pid, signal),
): Promise<void> {
  const attempt = (pid: number, signal: NodeJS.Signals): void => {
    try {
      kill(pid, signal);
    } catch {
      // Gone already, or never ours.
    }
  };
  const signalRun = async (signal: NodeJS.Signals): Promise<void> => {
    const members = await tree.read(watchdogPid, known);
    for (const member of members) {
      if (member.pid !== watchdogPid && !member.zombie) attempt(member.pid, signal);
    }
    // The program leads its own group (it called setsid): the group's pgid is its pid. Windows
    // has no groups, nor a tree reader: the program itself, then.
    if (rootPid !== null) attempt(process.platform === 'win32' ? rootPid : -rootPid, signal);
  };
  // A stopped process forks no more, so the second listing is complete.
  await signalRun('SIGSTOP');
  await signalRun('SIGKILL');
  attempt(watchdogPid, 'SIGKILL');
}
