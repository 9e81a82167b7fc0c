// The Lab's picture of one run, projected from its event log: which processes exist (as a tree),
// where each is in its lifecycle (New → Running → Terminated, or Waiting in join), its threads,
// the exceptions that were raised, the step-mode pauses now waiting, and the output as lines.
//
// Incremental on purpose: a live run appends events many times a second, so each event updates a
// few records here, and view() builds the small snapshot the components draw. Pure TS (no DOM, no
// Svelte), so a fixture log can be projected in a test.
import type {
  ApiErrorEvent,
  CallSite,
  LabEvent,
  MpExceptionEvent,
  ObjectId,
  InputEvent,
  OutputEvent,
  RunSummary,
  ScriptErrorEvent,
  ThreadExceptionEvent,
  TracerErrorEvent,
} from '$common/lab';
import { formatDuration } from './format';
import {
  exitCodeOfSignal,
  exitText,
  fileName,
  isLibraryHelper,
  processName,
  signalName,
} from './process-names';

export type LifeState = 'new' | 'running' | 'waiting' | 'terminated';

export interface ExitStatus {
  /** As Process.exitcode: negative means ended by that signal; null when nobody could tell. */
  code: number | null;
  signal: string | null;
  /** The exception type that ended it, when one did. */
  exception: string | null;
}

export interface LabThread {
  key: string;
  name: string;
  /** Native thread id (what the OS and the System view show), once the thread has run. */
  tid: number | null;
  state: LifeState;
  /** Name of the Process or Thread this thread is blocked joining, while it is. */
  joining: string | null;
  target: string | null;
  daemon: boolean;
  /** Started by the standard library for its own plumbing (a Queue's feeder thread…). */
  internal: boolean;
  main: boolean;
  exception: string | null;
}

export type ProcessRole = 'main' | 'child' | 'helper' | 'other';

export interface LabProcess {
  key: string;
  pid: number | null;
  depth: number;
  /** "MainProcess", "Process-1", or the program's name for a process Python did not start. */
  name: string;
  role: ProcessRole;
  target: string | null;
  args: string | null;
  command: string[];
  state: LifeState;
  joining: string | null;
  exit: ExitStatus | null;
  /** µs since the run started. */
  startedAt: number | null;
  endedAt: number | null;
  threads: LabThread[];
  /** Held at a step-mode pause right now. */
  paused: boolean;
}

export interface StepPause {
  key: string;
  pid: number;
  tid: number;
  /** The paused process, as named in the tree. */
  who: string;
  /** "Process.start" */
  call: string;
  /** Name of the object the call is on (Process-1), when known. */
  target: string | null;
  at: CallSite;
  code: string;
}

export interface Problem {
  key: string;
  /** 'note' for trouble in Procscope's own tracer, not in the user's program. */
  tone: 'error' | 'note';
  title: string;
  message: string;
  traceback: string;
  at: CallSite | null;
}

export interface RunView {
  /** Depth-first: every parent before its children, children in the order they appeared. */
  processes: LabProcess[];
  pauses: StepPause[];
  problems: Problem[];
  /** Problems not kept once the list reached its cap (a program failing in a loop). */
  moreProblems: number;
  ended: boolean;
}

export const EMPTY_VIEW: RunView = {
  processes: [],
  pauses: [],
  problems: [],
  moreProblems: 0,
  ended: false,
};

const MAX_PROBLEMS = 100;

/** "exit 0", "exit −15 (SIGTERM)", "exit 1 (NameError)", or "ended" when the status is unknown. */
export function exitLabel(exit: ExitStatus): string {
  return exitText(exit.code, exit.signal, exit.exception);
}

export interface Badge {
  shape: LifeState | 'failed';
  text: string;
  failed: boolean;
  title: string;
}

function exitBadge(exit: ExitStatus): Badge {
  const failed = (exit.code !== null && exit.code !== 0) || exit.exception !== null;
  let title: string;
  if (exit.code === null) title = 'Terminated; its exit status was not reported.';
  else if (exit.code < 0)
    title = `Terminated by a signal (${exit.signal ?? -exit.code}): exitcode is minus its number.`;
  else if (exit.exception)
    title = `Terminated: an uncaught ${exit.exception} ended it, so it exited with code ${exit.code}.`;
  else title = `Terminated: exited with code ${exit.code}${exit.code === 0 ? ' (success)' : ''}.`;
  return { shape: 'terminated', text: exitLabel(exit), failed, title };
}

/** The badge of a process: its lifecycle state in words, with the why in the tooltip. */
export function processBadge(process: LabProcess, runEnded: boolean): Badge {
  switch (process.state) {
    case 'new':
      return {
        shape: 'new',
        text: runEnded ? 'New (never started)' : 'New',
        failed: false,
        title:
          'New: the Process object exists, but start() was not called, so there is no OS process yet.',
      };
    case 'running':
      return {
        shape: 'running',
        text: 'Running',
        failed: false,
        title: 'Running: started, and it has not ended. is_alive() returns True.',
      };
    case 'waiting':
      return {
        shape: 'waiting',
        text: process.joining ? `Waiting in ${process.joining}.join()` : 'Waiting in join',
        failed: false,
        title: `Waiting: its main thread is blocked in join() until ${process.joining ?? 'the other side'} ends.`,
      };
    case 'terminated':
      return exitBadge(process.exit ?? { code: null, signal: null, exception: null });
  }
}

export function threadBadge(thread: LabThread): Badge {
  switch (thread.state) {
    case 'new':
      return {
        shape: 'new',
        text: 'New',
        failed: false,
        title: 'Created; start() not called yet.',
      };
    case 'running':
      return { shape: 'running', text: 'Running', failed: false, title: 'Running.' };
    case 'waiting':
      return {
        shape: 'waiting',
        text: thread.joining ? `Waiting in ${thread.joining}.join()` : 'Waiting in join',
        failed: false,
        title: 'Blocked in join() until the other side ends.',
      };
    case 'terminated':
      return thread.exception
        ? {
            shape: 'terminated',
            text: `Ended (${thread.exception})`,
            failed: true,
            title: `An uncaught ${thread.exception} ended this thread.`,
          }
        : { shape: 'terminated', text: 'Finished', failed: false, title: 'Finished.' };
  }
}

export function runBadge(run: RunSummary): Badge {
  switch (run.state) {
    case 'starting':
      return { shape: 'new', text: 'starting', failed: false, title: 'Starting the program…' };
    case 'running':
      return { shape: 'running', text: 'running', failed: false, title: 'The program is running.' };
    case 'exited':
      return exitBadge({ code: run.exitCode, signal: run.signal, exception: null });
    case 'stopped':
      return {
        shape: 'terminated',
        text: 'stopped',
        failed: false,
        title: 'Stopped from Procscope before it finished.',
      };
    case 'failed':
      return {
        shape: 'failed',
        text: 'failed',
        failed: true,
        title: run.error ?? 'The run could not be started.',
      };
  }
}

/** Seconds as a run is read: "0.84 s" and "12.3 s" while short, "2m 5s" once long. */
export function formatElapsed(seconds: number): string {
  if (seconds < 10) return `${Math.max(0, seconds).toFixed(2)} s`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return formatDuration(seconds);
}

/** "Process.start" → "start()", or "Process-1.start()" when the object is known. */
export function callLabel(call: string, target: string | null): string {
  const method = call.slice(call.lastIndexOf('.') + 1);
  return `${target ?? call.slice(0, call.lastIndexOf('.'))}.${method}()`;
}

/** "lesson.py:12" */
export function siteLabel(at: CallSite): string {
  return `${fileName(at.file)}:${at.line}`;
}

// Where an exit status came from, most trustworthy last: the child's own report is made just
// before it exits, the OS observer may miss the code, and the parent's is what exitcode says.
const EXIT_FROM_CHILD = 1;
const EXIT_FROM_OS = 2;
const EXIT_FROM_PARENT = 3;

interface ProcRecord {
  key: string;
  pid: number | null;
  obj: ObjectId | null;
  /** The process that called start(): the parent a student means, whatever the OS says. */
  starterPid: number | null;
  /** The process that made the Process object, for one that has not started. */
  creatorPid: number | null;
  osParentPid: number | null;
  name: string | null;
  target: string | null;
  args: string | null;
  command: string[];
  /** Has the tracer inside it: gets a MainThread row. */
  traced: boolean;
  mainTid: number | null;
  firstSeq: number;
  startedAt: number | null;
  endedAt: number | null;
  exitCode: number | null;
  exitSignal: string | null;
  exitRank: number;
  exception: string | null;
}

interface ThreadRecord {
  key: string;
  obj: ObjectId;
  pid: number | null;
  tid: number | null;
  name: string;
  target: string | null;
  daemon: boolean;
  internal: boolean;
  started: boolean;
  finished: boolean;
  exception: string | null;
  firstSeq: number;
}

interface Join {
  pid: number;
  tid: number | null;
  /** Whom it waits for: a Process or a Thread object. */
  obj: ObjectId;
}

type ProblemEvent =
  MpExceptionEvent | ThreadExceptionEvent | ScriptErrorEvent | ApiErrorEvent | TracerErrorEvent;

/** Events the tracer emits from whichever thread made the call (not from a thread of its own). */
const CALLER_KINDS = new Set<LabEvent['kind']>([
  'mp.created',
  'mp.started',
  'mp.running',
  'mp.is_alive',
  'mp.join.call',
  'mp.terminate',
  'mp.kill',
  'mp.close',
  'script.error',
  'script.end',
  'thread.created',
  'thread.join.call',
  'step.paused',
  'api.error',
]);

export interface ViewHints {
  /** RunSummary.rootPid: names the root even when the events that would have are evicted. */
  rootPid?: number | null;
}

export class RunProjection {
  readonly output: OutputBuffer;
  private readonly records = new Map<string, ProcRecord>();
  private readonly byPid = new Map<number, ProcRecord>();
  private readonly byObj = new Map<ObjectId, ProcRecord>();
  private readonly threads = new Map<ObjectId, ThreadRecord>();
  private readonly joins = new Map<string, Join>();
  private readonly pauses = new Map<string, StepPause & { pause: number }>();
  private readonly problems: ProblemEvent[] = [];
  private droppedProblems = 0;
  private rootPid: number | null = null;
  private ended = false;

  constructor(outputLines = 5000) {
    this.output = new OutputBuffer(outputLines);
  }

  /** Applies one event; returns false when only the output changed (the tree need not redraw). */
  apply(event: LabEvent): boolean {
    if (event.kind === 'output') {
      this.output.add(event);
      return false;
    }
    if (event.kind === 'input') {
      this.output.addInput(event);
      return false;
    }
    if (event.pid !== undefined && event.tid !== undefined && CALLER_KINDS.has(event.kind))
      this.noteCallerThread(event.pid, event.tid, event.seq);
    switch (event.kind) {
      case 'run.ended':
        this.ended = true;
        this.pauses.clear();
        break;
      case 'proc.appeared': {
        const record = this.ensurePid(event.pid, event.seq);
        record.osParentPid = event.ppid;
        if (record.command.length === 0) record.command = event.command;
        record.startedAt ??= event.t;
        if (this.rootPid === null) this.rootPid = event.pid;
        break;
      }
      case 'tracer.attached': {
        const record = this.ensurePid(event.pid, event.seq);
        record.traced = true;
        record.osParentPid ??= event.ppid;
        if (record.command.length === 0) record.command = event.argv;
        if (event.role === 'main') this.rootPid = event.pid;
        break;
      }
      case 'proc.exited':
        this.exited(this.ensurePid(event.pid, event.seq), event.t, EXIT_FROM_OS, {
          code: event.exitCode,
          signal: event.signal,
        });
        break;
      case 'mp.created': {
        const record = this.ensureObj(event.proc, event.seq);
        record.name = event.name;
        record.target = event.target;
        record.args = event.args;
        record.creatorPid = event.pid ?? null;
        break;
      }
      case 'mp.started': {
        const record = this.link(event.proc, event.childPid, event.seq);
        record.name = event.name;
        record.starterPid = event.pid ?? null;
        record.startedAt ??= event.t;
        break;
      }
      case 'mp.running':
        if (event.pid !== undefined) {
          const record = this.link(event.proc, event.pid, event.seq);
          record.name ??= event.name;
          record.traced = true;
          if (event.tid !== undefined) record.mainTid = event.tid;
        }
        break;
      case 'mp.join.call':
        if (event.pid !== undefined)
          this.joins.set(joinKey(event.pid, event.tid, event.proc), {
            pid: event.pid,
            tid: event.tid ?? null,
            obj: event.proc,
          });
        break;
      case 'mp.join.return':
        if (event.pid !== undefined) this.joins.delete(joinKey(event.pid, event.tid, event.proc));
        if (event.ended && event.exitCode !== null) {
          const record = this.byObj.get(event.proc);
          if (record)
            this.exited(record, event.t, EXIT_FROM_PARENT, { code: event.exitCode, signal: null });
        }
        break;
      case 'mp.exit': {
        const record =
          event.childPid !== null
            ? this.link(event.proc, event.childPid, event.seq)
            : this.ensureObj(event.proc, event.seq);
        const rank = event.by === 'parent' ? EXIT_FROM_PARENT : EXIT_FROM_CHILD;
        this.exited(record, event.t, rank, { code: event.exitCode, signal: null });
        break;
      }
      case 'mp.exception': {
        const record =
          event.pid !== undefined
            ? this.link(event.proc, event.pid, event.seq)
            : this.ensureObj(event.proc, event.seq);
        record.exception = event.type;
        this.problem(event);
        break;
      }
      case 'thread.created':
        this.threads.set(event.thread, {
          key: `thread:${event.thread}`,
          obj: event.thread,
          pid: event.pid ?? null,
          tid: null,
          name: event.name,
          target: event.target,
          daemon: event.daemon,
          internal: event.internal,
          started: false,
          finished: false,
          exception: null,
          firstSeq: event.seq,
        });
        break;
      case 'thread.started':
      case 'thread.finished': {
        const thread = this.ensureThread(event.thread, event.name, event);
        thread.tid = event.tid ?? thread.tid;
        thread.started = true;
        if (event.kind === 'thread.finished') thread.finished = true;
        break;
      }
      case 'thread.exception':
        this.ensureThread(event.thread, event.name, event).exception = event.type;
        this.problem(event);
        break;
      case 'thread.join.call':
        if (event.pid !== undefined)
          this.joins.set(joinKey(event.pid, event.tid, event.thread), {
            pid: event.pid,
            tid: event.tid ?? null,
            obj: event.thread,
          });
        break;
      case 'thread.join.return':
        if (event.pid !== undefined) this.joins.delete(joinKey(event.pid, event.tid, event.thread));
        break;
      case 'script.error':
      case 'api.error':
      case 'tracer.error':
        this.problem(event);
        break;
      case 'step.paused':
        this.pauses.set(pauseKey(event.pid, event.pause), {
          key: pauseKey(event.pid, event.pause),
          pause: event.pause,
          pid: event.pid,
          tid: event.tid,
          who: '',
          call: event.call,
          target: event.obj,
          at: event.at,
          code: event.code,
        });
        break;
      case 'step.resumed':
        if (event.pid !== undefined) this.pauses.delete(pauseKey(event.pid, event.pause));
        else
          for (const [key, pause] of this.pauses)
            if (pause.pause === event.pause) {
              this.pauses.delete(key);
              break;
            }
        break;
      default:
        // Samples, IPC messages and pool tasks are the Timeline's to draw.
        return false;
    }
    return true;
  }

  view(hints: ViewHints = {}): RunView {
    const rootPid = hints.rootPid ?? this.rootPid;
    const displayed = this.tree(rootPid);
    const pausedPids = new Set([...this.pauses.values()].map((pause) => pause.pid));
    const processes = displayed.map(({ record, depth }) =>
      this.processView(record, depth, rootPid, pausedPids),
    );
    const nameOfPid = (pid: number) => processes.find((p) => p.pid === pid)?.name ?? `pid ${pid}`;
    const pauses = [...this.pauses.values()].map(({ pause: _pause, ...rest }) => ({
      ...rest,
      who: nameOfPid(rest.pid),
      target: rest.target === null ? null : this.objectName(rest.target),
    }));
    return {
      processes,
      pauses,
      problems: this.problems.map((event) => this.problemView(event, nameOfPid)),
      moreProblems: this.droppedProblems,
      ended: this.ended,
    };
  }

  // -- records ---------------------------------------------------------------------------------

  private newRecord(key: string, seq: number): ProcRecord {
    const record: ProcRecord = {
      key,
      pid: null,
      obj: null,
      starterPid: null,
      creatorPid: null,
      osParentPid: null,
      name: null,
      target: null,
      args: null,
      command: [],
      traced: false,
      mainTid: null,
      firstSeq: seq,
      startedAt: null,
      endedAt: null,
      exitCode: null,
      exitSignal: null,
      exitRank: 0,
      exception: null,
    };
    this.records.set(key, record);
    return record;
  }

  private ensurePid(pid: number, seq: number): ProcRecord {
    let record = this.byPid.get(pid);
    if (!record) {
      record = this.newRecord(`pid:${pid}`, seq);
      record.pid = pid;
      this.byPid.set(pid, record);
    }
    return record;
  }

  private ensureObj(obj: ObjectId, seq: number): ProcRecord {
    let record = this.byObj.get(obj);
    if (!record) {
      record = this.newRecord(`obj:${obj}`, seq);
      record.obj = obj;
      this.byObj.set(obj, record);
    }
    return record;
  }

  /**
   * A Process object and the OS process it became are one row. Either side may be heard of first
   * (the OS observer can see the child before start() returns in the parent), so whichever record
   * came second is folded into the first.
   */
  private link(obj: ObjectId, pid: number, seq: number): ProcRecord {
    const byObj = this.byObj.get(obj);
    const byPid = this.byPid.get(pid);
    if (byObj && byPid && byObj !== byPid) {
      byPid.obj = obj;
      byPid.name ??= byObj.name;
      byPid.target ??= byObj.target;
      byPid.args ??= byObj.args;
      byPid.creatorPid ??= byObj.creatorPid;
      byPid.firstSeq = Math.min(byPid.firstSeq, byObj.firstSeq);
      byPid.exception ??= byObj.exception;
      if (byObj.exitRank > byPid.exitRank) {
        byPid.exitCode = byObj.exitCode;
        byPid.exitSignal = byObj.exitSignal;
        byPid.exitRank = byObj.exitRank;
        byPid.endedAt ??= byObj.endedAt;
      }
      this.records.delete(byObj.key);
      this.byObj.set(obj, byPid);
      return byPid;
    }
    const record = byObj ?? byPid ?? this.ensureObj(obj, seq);
    record.pid = pid;
    record.obj = obj;
    this.byPid.set(pid, record);
    this.byObj.set(obj, record);
    return record;
  }

  private exited(
    record: ProcRecord,
    t: number,
    rank: number,
    status: { code: number | null; signal: string | null },
  ): void {
    record.endedAt ??= t;
    for (const [key, pause] of this.pauses) if (pause.pid === record.pid) this.pauses.delete(key);
    if (rank < record.exitRank) return;
    const { signal } = status;
    let { code } = status;
    if (code === null && signal !== null) code = exitCodeOfSignal(signal);
    // The OS may know that it ended but not how (reaped by its parent first): keep what we had.
    if (code === null && record.exitCode !== null) return;
    record.exitCode = code;
    record.exitSignal = signal ?? (code !== null && code < 0 ? signalName(-code) : null);
    record.exitRank = rank;
  }

  private ensureThread(obj: ObjectId, name: string, event: LabEvent): ThreadRecord {
    let thread = this.threads.get(obj);
    if (!thread) {
      thread = {
        key: `thread:${obj}`,
        obj,
        pid: event.pid ?? null,
        tid: null,
        name,
        target: null,
        daemon: false,
        internal: false,
        started: false,
        finished: false,
        exception: null,
        firstSeq: event.seq,
      };
      this.threads.set(obj, thread);
    }
    // A thread started in a forked child runs in that child, whoever created the object.
    if (event.pid !== undefined) thread.pid = event.pid;
    return thread;
  }

  /**
   * Every thread but the main one announces itself (thread.started runs on the new thread), so a
   * lifecycle call from a thread id nobody announced was made by the main thread: that is how
   * MainThread gets its native id.
   */
  private noteCallerThread(pid: number, tid: number, seq: number): void {
    const record = this.ensurePid(pid, seq);
    record.traced = true;
    if (record.mainTid !== null) return;
    for (const thread of this.threads.values())
      if (thread.pid === pid && thread.tid === tid) return;
    record.mainTid = tid;
  }

  private problem(event: ProblemEvent): void {
    if (this.problems.length >= MAX_PROBLEMS) this.droppedProblems++;
    else this.problems.push(event);
  }

  // -- views -----------------------------------------------------------------------------------

  private tree(rootPid: number | null): Array<{ record: ProcRecord; depth: number }> {
    const parentOf = (record: ProcRecord): ProcRecord | undefined => {
      const pid = record.starterPid ?? record.creatorPid ?? record.osParentPid;
      const parent = pid === null ? undefined : this.byPid.get(pid);
      return parent === record ? undefined : parent;
    };
    const children = new Map<ProcRecord | null, ProcRecord[]>();
    for (const record of this.records.values()) {
      // The pid of a process outside the run (the supervisor) is no parent to show.
      const parent = record.pid === rootPid ? undefined : parentOf(record);
      const list = children.get(parent ?? null) ?? [];
      list.push(record);
      children.set(parent ?? null, list);
    }
    const out: Array<{ record: ProcRecord; depth: number }> = [];
    const seen = new Set<ProcRecord>();
    const visit = (record: ProcRecord, depth: number) => {
      if (seen.has(record)) return;
      seen.add(record);
      out.push({ record, depth });
      for (const child of (children.get(record) ?? []).sort(byFirstSeq)) visit(child, depth + 1);
    };
    for (const top of (children.get(null) ?? []).sort(byFirstSeq)) visit(top, 0);
    // A parent cycle (pid reuse inside one run) leaves records unvisited: show them at the top.
    for (const record of this.records.values()) visit(record, 0);
    return out;
  }

  private processView(
    record: ProcRecord,
    depth: number,
    rootPid: number | null,
    pausedPids: Set<number>,
  ): LabProcess {
    const role = this.roleOf(record, rootPid);
    const started = record.pid !== null;
    const mainJoin = this.mainJoin(record);
    let state: LifeState;
    if (record.endedAt !== null || (started && this.ended)) state = 'terminated';
    else if (!started) state = 'new';
    else state = mainJoin ? 'waiting' : 'running';
    const exit: ExitStatus | null =
      state === 'terminated'
        ? { code: record.exitCode, signal: record.exitSignal, exception: record.exception }
        : null;
    return {
      key: record.key,
      pid: record.pid,
      depth,
      name: this.nameOf(record, role),
      role,
      target: record.target,
      args: record.args,
      command: record.command,
      state,
      joining: state === 'waiting' && mainJoin ? this.objectName(mainJoin.obj) : null,
      exit,
      startedAt: record.startedAt,
      endedAt: record.endedAt,
      threads: this.threadsOf(record, state),
      paused: record.pid !== null && pausedPids.has(record.pid) && state !== 'terminated',
    };
  }

  private threadsOf(record: ProcRecord, processState: LifeState): LabThread[] {
    if (record.pid === null) return [];
    const out: LabThread[] = [];
    const processGone = processState === 'terminated';
    if (record.traced) {
      const join = this.mainJoin(record);
      out.push({
        key: `${record.key}/main`,
        name: 'MainThread',
        tid: record.mainTid,
        state: processGone ? 'terminated' : join ? 'waiting' : 'running',
        joining: join && !processGone ? this.objectName(join.obj) : null,
        target: null,
        daemon: false,
        internal: false,
        main: true,
        exception: null,
      });
    }
    const own = [...this.threads.values()]
      .filter((thread) => thread.pid === record.pid)
      .sort((a, b) => a.firstSeq - b.firstSeq);
    for (const thread of own) {
      const join =
        thread.tid === null ? undefined : this.joinOf(record.pid, (j) => j.tid === thread.tid);
      let state: LifeState;
      if (thread.finished || (processGone && thread.started)) state = 'terminated';
      else if (!thread.started) state = 'new';
      else state = join ? 'waiting' : 'running';
      out.push({
        key: thread.key,
        name: thread.name,
        tid: thread.tid,
        state,
        joining: state === 'waiting' && join ? this.objectName(join.obj) : null,
        target: thread.target,
        daemon: thread.daemon,
        internal: thread.internal,
        main: false,
        exception: thread.exception,
      });
    }
    return out;
  }

  /**
   * The join the main thread is blocked in: the one that makes a student say "the process is
   * waiting". Until the main thread's id is known, any join in the process counts.
   */
  private mainJoin(record: ProcRecord): Join | undefined {
    return this.joinOf(
      record.pid,
      (join) => record.mainTid === null || join.tid === null || join.tid === record.mainTid,
    );
  }

  private joinOf(pid: number | null, match: (join: Join) => boolean): Join | undefined {
    if (pid === null) return undefined;
    for (const join of this.joins.values()) if (join.pid === pid && match(join)) return join;
    return undefined;
  }

  private roleOf(record: ProcRecord, rootPid: number | null): ProcessRole {
    if (record.pid !== null && record.pid === rootPid) return 'main';
    if (record.obj !== null) return 'child';
    return isLibraryHelper(record.command) ? 'helper' : 'other';
  }

  private nameOf(record: ProcRecord, role: ProcessRole): string {
    return processName({
      objectName: record.name,
      tracedRoot: role === 'main' && record.traced,
      command: record.command,
      pid: record.pid,
    });
  }

  private objectName(obj: ObjectId): string {
    return this.byObj.get(obj)?.name ?? this.threads.get(obj)?.name ?? obj;
  }

  private problemView(event: ProblemEvent, nameOfPid: (pid: number) => string): Problem {
    const key = `problem:${event.seq}`;
    const where = event.pid === undefined ? '' : ` (pid ${event.pid})`;
    switch (event.kind) {
      case 'mp.exception': {
        const name = this.byObj.get(event.proc)?.name ?? 'a child process';
        return {
          key,
          tone: 'error',
          title: `${event.type} in ${name}${where}`,
          message: event.message,
          traceback: event.traceback,
          at: null,
        };
      }
      case 'thread.exception':
        return {
          key,
          tone: 'error',
          title: `${event.type} in thread ${event.name}${
            event.pid === undefined ? '' : ` of ${nameOfPid(event.pid)}`
          }`,
          message: event.message,
          traceback: event.traceback,
          at: null,
        };
      case 'script.error':
        return {
          key,
          tone: 'error',
          title:
            event.phase === 'open'
              ? 'The script could not be opened'
              : event.phase === 'compile'
                ? `${event.type}: the script could not be compiled`
                : `${event.type} in the main program`,
          message: event.message,
          traceback: event.traceback,
          at: event.at,
        };
      case 'api.error':
        return {
          key,
          tone: 'error',
          title: `${event.call}() raised ${event.type}`,
          message: event.message,
          traceback: '',
          at: event.at,
        };
      case 'tracer.error':
        return {
          key,
          tone: 'note',
          title: `Procscope's tracer could not follow ${event.where}`,
          message: event.message,
          traceback: '',
          at: null,
        };
    }
  }
}

function joinKey(pid: number, tid: number | undefined, obj: ObjectId): string {
  return `${pid}/${tid ?? '-'}/${obj}`;
}

function pauseKey(pid: number, pause: number): string {
  return `${pid}#${pause}`;
}

function byFirstSeq(a: ProcRecord, b: ProcRecord): number {
  return a.firstSeq - b.firstSeq;
}

// ---------------------------------------------------------------------------------------------
// Output

export interface OutputLine {
  /** Sequential over the run, so a line keeps its identity while later lines arrive. */
  id: number;
  pid: number | null;
  /** 'stdin': what was typed for the program (lab.input), shown where a terminal echoes it. */
  stream: OutputEvent['stream'] | 'stdin';
  text: string;
  /** Non-zero only on a marker line: this many bytes of the stream were dropped here. */
  dropped: number;
  /** A stdin marker line: the end of input was sent here. */
  eof?: boolean;
}

/**
 * Output as lines, newest last, keeping about `capacity` of them. Events carry chunks, not lines,
 * and a line may arrive in pieces, so the last unfinished line of each (pid, stream) stays open
 * and the next chunk from the same writer continues it. Lines are immutable: continuing one
 * replaces it, so a keyed list sees the change.
 */
export class OutputBuffer {
  private readonly items: OutputLine[] = [];
  private readonly open = new Map<string, number>();
  private nextId = 0;
  private droppedTotal = 0;

  constructor(readonly capacity: number) {}

  /** The newest `capacity` lines, oldest first: a fresh array to publish once per batch. */
  snapshot(): OutputLine[] {
    return this.items.slice(-this.capacity);
  }

  /** Lines that scrolled out of the buffer (they are still in the backend's log). */
  get evicted(): number {
    return this.nextId - Math.min(this.items.length, this.capacity);
  }

  /** Bytes the rate cap dropped, summed over the output events seen. */
  get droppedBytes(): number {
    return this.droppedTotal;
  }

  /** Typed input, as a terminal echoes it: lines of its own, after which output starts anew. */
  addInput(event: InputEvent): void {
    const parts = event.text.replace(/\r\n?/g, '\n').split('\n');
    if (parts.at(-1) === '') parts.pop();
    for (const part of parts) {
      this.items.push({ id: this.nextId++, pid: null, stream: 'stdin', text: part, dropped: 0 });
    }
    if (event.eof) {
      this.items.push({
        id: this.nextId++,
        pid: null,
        stream: 'stdin',
        text: '',
        dropped: 0,
        eof: true,
      });
    }
    this.open.clear();
    this.trim();
  }

  add(event: OutputEvent): void {
    const pid = event.pid ?? null;
    const source = `${pid ?? '-'}:${event.stream}`;
    const parts = event.text.replace(/\r\n?/g, '\n').split('\n');
    parts.forEach((part, index) => {
      const last = index === parts.length - 1;
      const openId = index === 0 ? this.open.get(source) : undefined;
      const at = openId === undefined ? -1 : openId - (this.items[0]?.id ?? 0);
      const openLine = this.items[at];
      if (openLine) {
        this.items[at] = { ...openLine, text: openLine.text + part };
        if (!last) this.open.delete(source);
      } else if (!(last && part === '')) {
        const id = this.nextId++;
        this.items.push({ id, pid, stream: event.stream, text: part, dropped: 0 });
        if (last) this.open.set(source, id);
        else this.open.delete(source);
      }
    });
    if (event.droppedBytes > 0) {
      this.droppedTotal += event.droppedBytes;
      this.open.delete(source);
      this.items.push({
        id: this.nextId++,
        pid,
        stream: event.stream,
        text: '',
        dropped: event.droppedBytes,
      });
    }
    this.trim();
  }

  private trim(): void {
    // Trim in steps, not per line: one splice per quarter of the capacity keeps adds O(1).
    if (this.items.length > this.capacity * 1.25)
      this.items.splice(0, this.items.length - this.capacity);
  }
}
