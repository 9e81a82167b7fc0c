// What ingesting the log learns, per process, Process object, thread and message: written by
// TimelineBuilder (layout.ts) as events arrive, read by the projection (projection.ts) to draw.

import type { CallSite, IpcEvent, ObjectId } from '$common/lab';
import type { CpuSeries, TimelineMarker } from './layout';

export interface ProcFacts {
  pid: number;
  ppid: number | null;
  command: string[] | null;
  /** Earliest event that proves the OS process exists (one it emitted, or the OS reported). */
  firstSeen: number;
  mainTid: number | null;
  role: 'main' | 'forked' | 'spawned' | null;
  /** When its tracer said hello: for the main process, the moment its script begins. */
  attached: number | null;
  python: string | null;
  exited: { t: number; code: number | null } | null;
  scriptEnd: number | null;
  /** The Process object this interpreter runs as a child (from mp.running). */
  obj: ObjectId | null;
}

export interface ProcObjFacts {
  id: ObjectId;
  name: string;
  target: string;
  args: string;
  creatorPid: number | null;
  created: number | null;
  createdAt: CallSite | null;
  started: number | null;
  startedBy: { pid: number | undefined; tid: number | undefined } | null;
  childPid: number | null;
  method: string | null;
  daemon: boolean;
  childExit: { t: number; code: number } | null;
  parentExit: { t: number; code: number } | null;
  /** The exception type that ended the target, if one did. */
  exception: string | null;
}

export interface ThreadObjFacts {
  id: ObjectId;
  pid: number;
  name: string;
  target: string;
  internal: boolean;
  daemon: boolean;
  created: number | null;
  started: number | null;
  tid: number | null;
  finished: number | null;
}

export interface WaitFacts {
  pid: number;
  tid: number;
  start: number;
  end: number | null;
  kind: 'waiting' | 'paused';
  /** Joined object, for the label; for a pause, the object of the paused call. */
  target: ObjectId | null;
  what: 'process' | 'thread' | 'pause';
  atExit: boolean;
  timeout: number | null;
  at: CallSite | null;
  /** join: whether the object had ended; pause: how it was resumed. */
  ended: boolean | null;
  call: string;
  exitCode: number | null;
}

export interface TaskRunFacts {
  task: string;
  index: number;
  pid: number;
  tid: number;
  start: number;
  end: number | null;
  ok: boolean | null;
  error: string | null;
}

export interface SubmittedTask {
  pid: number;
  tid: number | null;
  t: number;
  func: string;
}

/**
 * Where a marker goes, decided at build time (see header); the marker itself is created once
 * and only its `lane` is (re)assigned by each build.
 */
export interface Placement {
  marker: TimelineMarker;
  pid: number;
  tid: number | null;
  /** Put on this object's lane rather than on the caller's. */
  obj: { type: 'process' | 'thread'; id: ObjectId } | null;
  /** Draw on the thread's sub-lane rather than on the process lane. */
  onThread: boolean;
}

/** A traced message's send or receive, kept as the event itself (it has all we need). */
export type IpcEnd = IpcEvent & { pid: number };

/** Everything ingesting has learnt, handed to the projection by reference (it only reads). */
export interface Facts {
  procs: ReadonlyMap<number, ProcFacts>;
  procObjs: ReadonlyMap<ObjectId, ProcObjFacts>;
  threadObjs: ReadonlyMap<string, ThreadObjFacts>;
  waits: readonly WaitFacts[];
  tasks: ReadonlyMap<string, SubmittedTask>;
  taskRuns: readonly TaskRunFacts[];
  sends: ReadonlyMap<string, IpcEnd>;
  receives: readonly IpcEnd[];
  placements: readonly Placement[];
  procCpu: ReadonlyMap<number, CpuSeries>;
  threadCpu: ReadonlyMap<number, ReadonlyMap<number, CpuSeries>>;
  cores: readonly CpuSeries[];
  totalCpu: CpuSeries;
  rootPid: number | null;
  /** run.ended's exit status: the root's, when the OS observer could not tell it. */
  rootExit: number | null;
  end: number;
  ended: boolean;
  count: number;
}

export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
