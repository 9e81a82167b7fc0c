// Signalling a process tree as it is at the moment of the signal, not as the last refresh saw it.
// A refresh is up to a second old: a shell loop forks a child every few milliseconds, and a
// process younger than the last refresh has no children in the table at all. So the tree is
// walked from the OS while it is being signalled, and frozen first, because a parent that is
// still running can fork between the moment its children are listed and the moment it dies.
//
// Freezing is SIGSTOP, top-down: a parent is stopped, and only once the kernel reports it stopped
// (state T) are its children listed — a stopped process cannot fork, so that list is complete.
// Each child is stopped the same way before its own children are listed. With the whole tree
// still, every member gets the signal, and nobody is left to respawn or to be orphaned.
// Windows has no SIGSTOP; there a parent is killed before its children are listed, which holds
// it still just as well (and Windows keeps a dead parent's pid in its children's records).

import { ProcscopeError } from '../../common/errors';
import { processId, type ProcessId, type SignalAction } from '../../common/system';
import type { PlatformSampler, ProcessStat } from './sampler';

export interface TreeSignalDeps {
  sampler: PlatformSampler;
  platform: NodeJS.Platform;
  kill(pid: number, signal: NodeJS.Signals): void;
  /** Why Procscope must not signal this pid (itself, its helpers), or undefined. */
  protectedReason(pid: number): string | undefined;
}

export interface TreeReach {
  /** Every member the signal reached, root last for kill and terminate, first otherwise. */
  signalled: ProcessId[];
  /** Members that had already exited and wait to be reaped: no signal can reach them. */
  zombies: ProcessId[];
  /** Members the OS would not let us signal. */
  denied: number[];
}

/** How long one member may take to stop (a process in uninterruptible sleep stops late). */
const STOP_WAIT_MS = 500;
/** And the whole walk, after which the rest is signalled without waiting to see it stopped. */
const WALK_WAIT_MS = 3000;

const isZombie = (stat: ProcessStat): boolean => stat.state === 'Z' || stat.state === 'X';
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Error codes of kill(2) that mean "nothing to do here", not a failure of the whole tree. */
function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Signals `root` and every descendant it has now. `root` has been checked by the caller (it is
 * the process the user named, alive, not a zombie, not protected).
 */
export async function signalTree(
  deps: TreeSignalDeps,
  root: ProcessStat,
  signal: NodeJS.Signals,
  action: SignalAction,
): Promise<TreeReach> {
  const reach: TreeReach = { signalled: [], zombies: [], denied: [] };
  if (action === 'resume') {
    // Nothing to freeze for: stopped processes do not fork, running ones are left running.
    await walk(deps, root, (member) => send(deps, member, 'SIGCONT', reach));
    return reach;
  }
  if (deps.platform === 'win32') {
    // Killed top-down: a dead parent forks no more, so listing its children afterwards is final.
    await walk(deps, root, (member) => send(deps, member, signal, reach));
    return reach;
  }

  const stopped: ProcessStat[] = [];
  const deadline = performance.now() + WALK_WAIT_MS;
  let members: ProcessStat[];
  try {
    members = await walk(deps, root, async (member) => {
      if (isZombie(member)) return;
      if (stop(deps, member, reach)) {
        stopped.push(member);
        await untilStopped(deps, member, deadline);
      }
    });
  } catch (error) {
    // Refused half-way (the tree holds Procscope itself): leave everything as it was.
    for (const member of stopped) trySignal(deps, member.pid, 'SIGCONT');
    throw error;
  }

  if (action === 'suspend') {
    // The freeze was the whole job.
    for (const member of members) {
      if (isZombie(member)) reach.zombies.push(processId(member));
      else if (stopped.includes(member)) reach.signalled.push(processId(member));
    }
    return reach;
  }

  // Children before parents, as a user reads "kill the tree" (with everyone frozen, no parent
  // can react to its children dying anyway).
  const leavesFirst = [...members].reverse();
  for (const member of leavesFirst) {
    if (isZombie(member)) reach.zombies.push(processId(member));
    else if (!reach.denied.includes(member.pid)) await send(deps, member, signal, reach);
  }
  // A stopped process acts on SIGTERM only once it runs again; SIGKILL needs no help.
  if (signal !== 'SIGKILL') for (const member of stopped) trySignal(deps, member.pid, 'SIGCONT');
  return reach;
}

/**
 * Breadth-first from `root`, calling `visit` on each member before its children are listed.
 * A child must not predate its parent: an older process naming the parent's pid is a stranger
 * (the pid was reused), met through a dead parent's record on Windows.
 */
async function walk(
  deps: TreeSignalDeps,
  root: ProcessStat,
  visit: (member: ProcessStat) => Promise<void> | void,
): Promise<ProcessStat[]> {
  const members: ProcessStat[] = [root];
  const seen = new Set([root.pid]);
  await visit(root);
  for (let index = 0; index < members.length; index++) {
    const parent = members[index]!;
    if (isZombie(parent)) continue;
    const children = (await deps.sampler.readChildren(parent.pid)).filter(
      (child) => !seen.has(child.pid) && child.startTime >= parent.startTime,
    );
    for (const child of children) {
      const reason = deps.protectedReason(child.pid);
      if (reason) {
        throw new ProcscopeError(
          'invalid-params',
          `The process tree includes ${reason}; nothing was signalled.`,
        );
      }
      seen.add(child.pid);
      members.push(child);
    }
    // Siblings are stopped (or signalled) together, then waited for together.
    await Promise.all(children.map((child) => visit(child)));
  }
  return members;
}

function stop(deps: TreeSignalDeps, member: ProcessStat, reach: TreeReach): boolean {
  try {
    deps.kill(member.pid, 'SIGSTOP');
    return true;
  } catch (error) {
    if (errno(error) === 'EPERM') reach.denied.push(member.pid);
    return false;
  }
}

/** Polls the member's state until the kernel has it stopped (or gone, or time is up). */
async function untilStopped(
  deps: TreeSignalDeps,
  member: ProcessStat,
  deadline: number,
): Promise<void> {
  const giveUp = Math.min(deadline, performance.now() + STOP_WAIT_MS);
  for (;;) {
    const now = await deps.sampler.readProcess(member.pid);
    if (!now || now.startTime !== member.startTime) return;
    if (now.state === 'T' || now.state === 't' || isZombie(now)) {
      // Exited while we waited: a zombie now, with its children already reparented away.
      member.state = now.state;
      return;
    }
    if (performance.now() >= giveUp) return;
    await pause(1);
  }
}

/** Sends after re-checking identity: the pid must still hold the process that was listed. */
async function send(
  deps: TreeSignalDeps,
  member: ProcessStat,
  signal: NodeJS.Signals,
  reach: TreeReach,
): Promise<void> {
  const now = await deps.sampler.readProcess(member.pid);
  if (!now || now.startTime !== member.startTime) return;
  if (isZombie(now)) {
    member.state = now.state;
    reach.zombies.push(processId(member));
    return;
  }
  try {
    deps.kill(member.pid, signal);
    reach.signalled.push(processId(member));
  } catch (error) {
    const code = errno(error);
    if (code === 'EPERM') reach.denied.push(member.pid);
    // ESRCH: it exited between the check and the signal, which is what was wanted.
    else if (code !== 'ESRCH') throw error;
  }
}

function trySignal(deps: TreeSignalDeps, pid: number, signal: NodeJS.Signals): void {
  try {
    deps.kill(pid, signal);
  } catch {
    // Gone or not ours: nothing to undo.
  }
}
