// Safe signals. A row on screen can be seconds old; by the time the user clicks, its pid may
// belong to someone else. So every target is re-read from the OS and its start time compared
// before anything is sent. A window remains between that check and kill(2) (no pidfd from Node),
// but it is microseconds wide, and reuse within it needs the whole pid space to wrap around.
// A tree is walked from the OS at signal time, frozen first (tree-signal.ts).

import { ProcscopeError } from '../../common/errors';
import {
  processId,
  type ProcessKey,
  type ProcessRow,
  type SignalAction,
  type SignalResult,
} from '../../common/system';
import type { ProcessTable } from './process-table';
import type { PlatformSampler, ProcessStat } from './sampler';
import { signalTree } from './tree-signal';

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
  /** What a pid of Procscope's own helpers does (core/helpers.ts), or undefined. */
  helperRole(pid: number): string | undefined;
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

/** Re-reads the pid from the OS: its current record if it is still the same process, else why not. */
async function current(
  deps: SignalDeps,
  key: ProcessKey,
): Promise<ProcessStat | 'gone' | 'reused'> {
  const now = await deps.sampler.readProcess(key.pid);
  if (!now) return 'gone';
  return now.startTime === key.startTime ? now : 'reused';
}

/** Why Procscope will not signal this pid at all, or undefined. Guards a tree's members too. */
function protectedReason(deps: SignalDeps, pid: number): string | undefined {
  // 0 and negative pids address process groups in kill(2); 1 is init, whose death panics the kernel.
  if (!Number.isSafeInteger(pid) || pid <= 1) return `pid ${pid}, the system's own process`;
  if (pid === deps.selfPid) return `Procscope itself (pid ${pid})`;
  const role = deps.helperRole(pid);
  if (role) return `Procscope's own helper (pid ${pid}): ${role}`;
  return undefined;
}

function refuseProtected(deps: SignalDeps, key: ProcessKey): void {
  if (!Number.isSafeInteger(key.pid) || key.pid <= 1) {
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
  const role = deps.helperRole(key.pid);
  if (role) {
    throw new ProcscopeError(
      'invalid-params',
      `Procscope does not signal its own helper processes: pid ${key.pid} is ${role}.`,
    );
  }
}

/** A zombie has exited already: kill(2) "succeeds" on it and changes nothing. Say so instead. */
function zombieRefusal(deps: SignalDeps, label: string, stat: ProcessStat): ProcscopeError {
  const parent = deps.table.rows().find((row) => row.pid === stat.ppid);
  const parentLabel = parent ? `${parent.name} (pid ${parent.pid})` : `pid ${stat.ppid}`;
  return new ProcscopeError(
    'gone',
    `${label} is a zombie: it has already exited, and its parent ${parentLabel} has not yet ` +
      'collected its exit status. No signal can reach it; it disappears once the parent waits ' +
      'for it or exits itself.',
  );
}

export async function sendSignal(
  deps: SignalDeps,
  target: ProcessKey,
  action: SignalAction,
  tree: boolean,
): Promise<SignalResult> {
  const targetId = processId(target);
  const label = describe(target, deps.table.recall(targetId));
  refuseProtected(deps, target);
  if (deps.platform === 'win32' && (action === 'suspend' || action === 'resume')) {
    throw new ProcscopeError(
      'failed',
      `Windows has no signal to ${action} a process; Procscope can only terminate or kill it there.`,
    );
  }

  const stat = await current(deps, target);
  if (stat === 'gone') throw new ProcscopeError('gone', `Process ${label} has already exited.`);
  if (stat === 'reused') {
    throw new ProcscopeError(
      'gone',
      `Process ${label} has already exited; pid ${target.pid} now belongs to another process; nothing was signalled.`,
    );
  }
  if (stat.state === 'Z' || stat.state === 'X') throw zombieRefusal(deps, `Process ${label}`, stat);

  if (!tree) {
    try {
      deps.kill(target.pid, SIGNAL_OF[action]);
    } catch (error) {
      throw signalError(error, label, action);
    }
    return { signalled: [targetId], zombies: [] };
  }

  // Refused before anything is frozen when the last refresh already shows Procscope inside.
  if (deps.table.descendants(targetId).some((row) => row.pid === deps.selfPid)) {
    throw new ProcscopeError(
      'invalid-params',
      `The process tree of ${label} includes Procscope itself; nothing was signalled.`,
    );
  }
  const reach = await signalTree(
    {
      sampler: deps.sampler,
      platform: deps.platform,
      kill: deps.kill,
      protectedReason: (pid) => protectedReason(deps, pid),
    },
    stat,
    SIGNAL_OF[action],
    action,
  );
  if (!reach.signalled.includes(targetId) && reach.denied.includes(target.pid)) {
    throw signalError(Object.assign(new Error('EPERM'), { code: 'EPERM' }), label, action);
  }
  if (reach.denied.length > 0) {
    throw new ProcscopeError(
      'permission-denied',
      `Permission denied: could not ${action} ${reach.denied.length} process(es) in the tree of ${label} ` +
        `(pid ${reach.denied.join(', ')}); the other ${reach.signalled.length} were signalled.`,
    );
  }
  return { signalled: reach.signalled, zombies: reach.zombies };
}
