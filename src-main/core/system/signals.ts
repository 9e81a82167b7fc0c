// Safe signals. A row on screen can be seconds old; by the time the user clicks, its pid may
// belong to someone else. So every target is re-read from the OS and its start time compared
// before anything is sent. A window remains between that check and kill(2) (no pidfd from Node),
// but it is microseconds wide, and reuse within it needs the whole pid space to wrap around.

import { ProcscopeError } from '../../common/errors';
import {
  processId,
  type ProcessId,
  type ProcessKey,
  type ProcessRow,
  type SignalAction,
} from '../../common/system';
import type { ProcessTable } from './process-table';
import type { PlatformSampler } from './sampler';

const SIGNAL_OF: Record<SignalAction, NodeJS.Signals> = {
  terminate: 'SIGTERM',
  kill: 'SIGKILL',
  suspend: 'SIGSTOP',
  resume: 'SIGCONT',
};

export interface SignalDeps {
  sampler: PlatformSampler;
  table: ProcessTable;
  platform: NodeJS.Platform;
  selfPid: number;
  kill(pid: number, signal: NodeJS.Signals): void;
}

function describe(key: ProcessKey, row: ProcessRow | undefined): string {
  return row ? `${row.name} (pid ${key.pid})` : `(pid ${key.pid})`;
}

/** Maps a kill(2) failure to an error the UI can act on. */
export function signalError(error: unknown, label: string, action: SignalAction): ProcscopeError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EPERM') {
    return new ProcscopeError(
      'permission-denied',
      `Permission denied: you may not ${action} process ${label}; it belongs to another user or is protected by the system.`,
    );
  }
  if (code === 'ESRCH') return new ProcscopeError('gone', `Process ${label} has already exited.`);
  const reason = error instanceof Error ? error.message : String(error);
  return new ProcscopeError('failed', `Could not ${action} process ${label}: ${reason}`);
}

/** Re-reads the pid from the OS: undefined if it is still the same process, else why not. */
async function staleness(
  deps: SignalDeps,
  key: ProcessKey,
): Promise<'gone' | 'reused' | undefined> {
  const current = await deps.sampler.readProcess(key.pid);
  if (!current) return 'gone';
  return current.startTime === key.startTime ? undefined : 'reused';
}

function refuseProtected(deps: SignalDeps, key: ProcessKey): void {
  if (!Number.isSafeInteger(key.pid) || key.pid <= 1) {
    // 0 and negative pids address process groups in kill(2); 1 is init, whose death panics the kernel.
    throw new ProcscopeError(
      'invalid-params',
      `Procscope does not signal pid ${key.pid}: it is the system's own process.`,
    );
  }
  if (key.pid === deps.selfPid) {
    throw new ProcscopeError(
      'invalid-params',
      `Procscope does not signal itself (pid ${key.pid}); close the window to quit.`,
    );
  }
}

export async function sendSignal(
  deps: SignalDeps,
  target: ProcessKey,
  action: SignalAction,
  tree: boolean,
): Promise<ProcessId[]> {
  const targetId = processId(target);
  const label = describe(target, deps.table.recall(targetId));
  refuseProtected(deps, target);
  if (deps.platform === 'win32' && (action === 'suspend' || action === 'resume')) {
    throw new ProcscopeError(
      'failed',
      `Windows has no signal to ${action} a process; Procscope can only terminate or kill it there.`,
    );
  }

  const stale = await staleness(deps, target);
  if (stale === 'gone') throw new ProcscopeError('gone', `Process ${label} has already exited.`);
  if (stale === 'reused') {
    throw new ProcscopeError(
      'gone',
      `Process ${label} has already exited; pid ${target.pid} now belongs to another process; nothing was signalled.`,
    );
  }

  const descendants = tree ? deps.table.descendants(targetId) : [];
  if (descendants.some((row) => row.pid === deps.selfPid)) {
    throw new ProcscopeError(
      'invalid-params',
      `The process tree of ${label} includes Procscope itself; nothing was signalled.`,
    );
  }
  // Descendants that exited or whose pid was recycled since the last refresh are left alone.
  const checks = await Promise.all(descendants.map((row) => staleness(deps, row)));
  const live = descendants.filter((_, index) => checks[index] === undefined);

  // Killing leaves first keeps a parent from reacting to (or respawning) children mid-walk;
  // suspending top-down freezes a parent before it can notice its children stopping.
  const order: ProcessKey[] =
    action === 'suspend' ? [target, ...live] : [...live.reverse(), target];
  const signalled: ProcessId[] = [];
  const denied: number[] = [];
  for (const key of order) {
    try {
      deps.kill(key.pid, SIGNAL_OF[action]);
      signalled.push(processId(key));
    } catch (error) {
      if (key === target) throw signalError(error, label, action);
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      // A descendant that exited since the check is simply done.
      if (code === 'EPERM') denied.push(key.pid);
      else if (code !== 'ESRCH') throw signalError(error, `(pid ${key.pid})`, action);
    }
  }
  if (denied.length > 0) {
    throw new ProcscopeError(
      'permission-denied',
      `Permission denied: could not ${action} ${denied.length} process(es) in the tree of ${label} ` +
        `(pid ${denied.join(', ')}); the other ${signalled.length} were signalled.`,
    );
  }
  return signalled;
}
