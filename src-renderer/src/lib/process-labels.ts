// Words for what the kernel writes as letters and numbers, and the vocabulary of the actions a
// user may take on a process. Kept apart from the components so tests and views share one text.
import type { ErrorCode } from '$common/errors';
import type { ProcessRow, SignalAction } from '$common/system';

/** Linux `ps` letters, plus macOS `U`; Windows reports no run state for processes (`?`). */
const STATE_WORDS: Record<string, string> = {
  R: 'running',
  S: 'sleeping',
  D: 'blocked (I/O)',
  U: 'blocked',
  I: 'idle',
  T: 'stopped',
  t: 'traced',
  Z: 'zombie',
  X: 'dead',
  W: 'paging',
  P: 'parked',
  K: 'wakekill',
  '?': 'unknown',
};

/** What the state means, for tooltips: students meet these words here first. */
const STATE_EXPLAINED: Record<string, string> = {
  R: 'Running or ready to run on a CPU.',
  S: 'Sleeping: waiting for something (input, a timer, another process) and using no CPU.',
  D: 'Blocked in the kernel, usually waiting for a disk or network; cannot be interrupted.',
  U: 'Blocked in the kernel; cannot be interrupted.',
  I: 'Idle: asleep for a long time (or an idle kernel thread).',
  T: 'Stopped by a signal (SIGSTOP or Ctrl+Z); resumes on SIGCONT.',
  t: 'Stopped by a debugger.',
  Z: 'Zombie: it has exited, but its parent has not yet collected its exit status.',
  X: 'Dead: about to disappear.',
  '?': 'The operating system does not report a state for this process.',
};

export function stateWord(state: string): string {
  return STATE_WORDS[state] ?? state;
}

export function stateExplained(state: string): string {
  return STATE_EXPLAINED[state] ?? `Kernel state “${state}”.`;
}

/**
 * CPU over the interval (% of one core) from which a process counts as running for most of it.
 * The kernel's state letter is a snapshot of one instant: a busy loop that happened to be between
 * slices reads "sleeping". CPU time proves running time, so at half a core or more the interval
 * was mostly running. The reverse cannot be proven — a process waiting for a CPU on a loaded
 * machine is R all along and still gets little time — so a low CPU never overrides R.
 */
export const MOSTLY_RUNNING_CPU = 50;

/** The state that describes the last interval best, and why, for the table and the details. */
export function stateOverInterval(row: Pick<ProcessRow, 'state' | 'cpu'>): {
  state: string;
  note: string;
} {
  if ((row.state === 'S' || row.state === 'I') && row.cpu >= MOSTLY_RUNNING_CPU) {
    return {
      state: 'R',
      note:
        `Running most of the last interval: it used ${Math.round(row.cpu)}% of one core. ` +
        `At the instant of the sample the kernel saw it ${stateWord(row.state)}.`,
    };
  }
  return {
    state: row.state,
    note: `${stateExplained(row.state)} (The kernel's state at the instant of the sample.)`,
  };
}

/** A category for styling; every state is also written out, so colour is never the only cue. */
export function stateTone(state: string): 'running' | 'blocked' | 'stopped' | 'zombie' | 'quiet' {
  if (state === 'R') return 'running';
  if (state === 'D' || state === 'U') return 'blocked';
  if (state === 'T' || state === 't') return 'stopped';
  if (state === 'Z' || state === 'X') return 'zombie';
  return 'quiet';
}

export const PARTLY_HIDDEN =
  'Partly hidden: some details of this process could not be read — it belongs to another ' +
  'user or the system restricts access to it.';

export type ActionId = 'terminate' | 'kill' | 'suspend' | 'resume' | 'kill-tree';

export interface ProcessAction {
  id: ActionId;
  /** Button and menu text. */
  label: string;
  signal: SignalAction;
  signalName: string;
  tree: boolean;
  /** Shortcut as shown to the user, and as matched against a KeyboardEvent. */
  keys: string;
  explain: string;
  destructive: boolean;
}

export const ACTIONS: readonly ProcessAction[] = [
  {
    id: 'terminate',
    label: 'Terminate',
    signal: 'terminate',
    signalName: 'SIGTERM',
    tree: false,
    keys: 'Delete',
    explain:
      'Sends SIGTERM: asks the process to finish. A well-behaved program tidies up and exits; ' +
      'a program may also catch or ignore the request.',
    destructive: true,
  },
  {
    id: 'kill',
    label: 'Kill',
    signal: 'kill',
    signalName: 'SIGKILL',
    tree: false,
    keys: 'Shift+Delete',
    explain:
      'Sends SIGKILL: the kernel ends the process at once. It gets no chance to clean up, and ' +
      'anything it had not saved is lost.',
    destructive: true,
  },
  {
    id: 'kill-tree',
    label: 'Kill tree',
    signal: 'kill',
    signalName: 'SIGKILL',
    tree: true,
    keys: 'Ctrl+Delete',
    explain:
      'Freezes the process and everything below it (SIGSTOP), so none can start another, then ' +
      'sends SIGKILL to all of them, children before parents. The tree is read at that moment: ' +
      'processes started since this list was shown are included.',
    destructive: true,
  },

  {
    id: 'suspend',
    label: 'Suspend',
    signal: 'suspend',
    signalName: 'SIGSTOP',
    tree: false,
    keys: 'S',
    explain:
      'Sends SIGSTOP: the process is frozen where it is (state T) and uses no CPU until it is ' +
      'resumed. It cannot ignore this.',
    destructive: false,
  },
  {
    id: 'resume',
    label: 'Resume',
    signal: 'resume',
    signalName: 'SIGCONT',
    tree: false,
    keys: 'R',
    explain: 'Sends SIGCONT: a stopped process carries on from where it was frozen.',
    destructive: false,
  },
];

export function actionById(id: ActionId): ProcessAction {
  return ACTIONS.find((action) => action.id === id) as ProcessAction;
}

/** The action a key press in the process table asks for, if any. */
export function actionForKey(event: KeyboardEvent): ActionId | undefined {
  const mod = event.ctrlKey || event.metaKey;
  if (event.key === 'Delete') {
    if (event.altKey) return undefined;
    if (mod) return event.shiftKey ? undefined : 'kill-tree';
    return event.shiftKey ? 'kill' : 'terminate';
  }
  if (mod || event.altKey) return undefined;
  if (event.key === 's' || event.key === 'S') return 'suspend';
  if (event.key === 'r' || event.key === 'R') return 'resume';
  return undefined;
}

/** “python3 (pid 4312)” — how every message names a process. */
export function nameOf(row: Pick<ProcessRow, 'name' | 'pid'>): string {
  return `${row.name || 'process'} (pid ${row.pid})`;
}

export function confirmTitle(
  action: ProcessAction,
  row: Pick<ProcessRow, 'name' | 'pid'>,
  descendants: number,
): string {
  const verb = action.id === 'kill-tree' ? 'Kill' : action.label;
  if (action.tree && descendants > 0) {
    const noun = descendants === 1 ? 'descendant' : 'descendants';
    return `${verb} ${nameOf(row)} and its ${descendants} ${noun}?`;
  }
  return `${verb} ${nameOf(row)}?`;
}

/** A refusal from the backend, turned into a heading; the backend's own sentence follows it. */
export function refusalHeading(code: ErrorCode | undefined): string {
  switch (code) {
    case 'gone':
      return 'Nothing was signalled: the process has already exited, or its pid now belongs to another process.';
    case 'permission-denied':
      return 'Not allowed: the operating system refused the signal.';
    case 'unavailable':
      return 'Not connected to the Procscope backend.';
    case 'invalid-params':
      return 'Procscope will not send this signal.';
    default:
      return 'The signal could not be sent.';
  }
}
