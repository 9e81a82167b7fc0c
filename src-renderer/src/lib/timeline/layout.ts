// The Timeline's model: a Lab run's event log projected onto lanes over time. One lane per OS
// process, nested under its parent, with a sub-lane per thread; on them the phases of the
// process lifecycle (New → Running → Terminated), what each thread waited for, the markers of
// lifecycle calls, IPC and pool-task arrows, and CPU samples.
//
// Pure data in, pure data out: no DOM, so it is tested in Node and reused by the SVG export.
// Events from different processes may arrive out of time order (see $common/lab), so ingesting
// only records facts per process, object and thread; `build` derives the picture from the facts.
// That makes appending a batch cost O(batch), and a build cost O(facts), not O(log²).

import type { LabEvent, LabEventOf, ObjectId } from '$common/lab';
import type {
  IpcEnd,
  Placement,
  ProcFacts,
  ProcObjFacts,
  SubmittedTask,
  TaskRunFacts,
  ThreadObjFacts,
  WaitFacts,
} from './facts';
import { exitStatus, lines, shortName, where } from './names';
import { Projection } from './projection';

export { objectLaneId, processLaneId, threadLaneId } from './names';

export type LaneKind = 'process' | 'thread';

export interface TimelineLane {
  /** Stable across builds, so collapse state and selection survive new events. */
  id: string;
  kind: LaneKind;
  /** "MainProcess", "Process-1", "MainThread", "Thread-2", or what the OS calls it. */
  name: string;
  /** Null for a Process object that was created but never started: no OS process exists. */
  pid: number | null;
  /** Process lanes: the parent pid the OS reports (what os.getppid() prints), where known. */
  ppid: number | null;
  tid: number | null;
  /** The lane of the parent process (for a process) or of the owning process (for a thread). */
  parent: string | null;
  /** Nesting of processes: 0 for the run's root. A thread lane has its process's depth. */
  depth: number;
  /** Made by the standard library for itself (a Queue's feeder thread, a Pool's handlers). */
  internal: boolean;
  /** Further lines for the label's tooltip: target, arguments, start method, command. */
  detail: string;
  /** Highest CPU sample on this lane, in percent of one core. */
  cpuPeak: number;
}

export type SpanKind = 'new' | 'running' | 'exiting' | 'terminated' | 'waiting' | 'paused' | 'task';

export interface TimelineSpan {
  lane: string;
  kind: SpanKind;
  /** µs since the run started. */
  start: number;
  /** Null while it lasts: drawn up to the present, or to the end of the recording. */
  end: number | null;
  label: string;
  detail: string;
  /** Terminated spans: the exit code, negative for the signal that ended the process. */
  exitCode?: number | null;
}

export type MarkerKind =
  | 'start'
  | 'is-alive'
  | 'terminate'
  | 'kill'
  | 'close'
  | 'exit'
  | 'exception'
  | 'api-error'
  | 'output'
  | 'script-end'
  | 'warning';

export interface TimelineMarker {
  lane: string;
  kind: MarkerKind;
  t: number;
  label: string;
  detail: string;
  /**
   * What the class should read right there on the lane, beside the marker: the call a start()
   * makes in the child ("example('Hi')"), the exit status at a lane's end ("exit −15 (SIGTERM)").
   */
  value?: string;
  /** is_alive()'s answer. */
  alive?: boolean;
  exitCode?: number | null;
  /** Exceptions: the traceback as Python printed it. */
  traceback?: string;
}

export type ArrowKind = 'ipc' | 'task' | 'start' | 'signal';

export interface TimelineArrow {
  kind: ArrowKind;
  from: string;
  to: string;
  t0: number;
  t1: number;
  label: string;
  /** Messages: repr of what was sent, as the tracer reported it. */
  value?: string;
}

/** One CPU sample: the average over [start, end], in percent of one core. */
export interface CpuPoint {
  start: number;
  end: number;
  cpu: number;
}

/**
 * A lane's CPU samples, flat: start, end, cpu, start, end, cpu, … in time order. A long run
 * samples a thousand threads ten times a second; numbers in one array cost a fraction of the
 * memory and garbage collection of an object per sample.
 */
export type CpuSeries = number[];

export function cpuPoints(series: CpuSeries): CpuPoint[] {
  const points: CpuPoint[] = [];
  for (let i = 0; i + 2 < series.length; i += 3)
    points.push({ start: series[i] ?? 0, end: series[i + 1] ?? 0, cpu: series[i + 2] ?? 0 });
  return points;
}

/** What is drawn on one lane, each list sorted by time, for culling by binary search. */
export interface LaneContent {
  spans: TimelineSpan[];
  markers: TimelineMarker[];
  cpu: CpuSeries;
  /** Messages sent from this lane that say what they carried, by send time. */
  sends: TimelineArrow[];
}

export interface TimelineLayout {
  /** In display order: each process, then its threads, then its child processes. */
  lanes: TimelineLane[];
  byId: Map<string, TimelineLane>;
  spans: TimelineSpan[];
  markers: TimelineMarker[];
  arrows: TimelineArrow[];
  content: Map<string, LaneContent>;
  /** The latest time in the log, µs. */
  end: number;
  /** run.ended was seen: open spans stop at `end` instead of following the present. */
  ended: boolean;
  events: number;
  /** Per logical core of the machine, percent busy (the whole machine, not only this run). */
  cores: CpuSeries[];
  /** The run's processes together, percent of one core: two busy processes read ~200. */
  totalCpu: CpuSeries;
  /** When the main script began (its interpreter said hello) and ended; null if not seen. */
  scriptStart: number | null;
  scriptEnd: number | null;
}

// ---------------------------------------------------------------------------------------------
// Ingesting: cheap per event, so a live run appends batch by batch

export class TimelineBuilder {
  private procs = new Map<number, ProcFacts>();
  private procObjs = new Map<ObjectId, ProcObjFacts>();
  /** Keyed by pid and object: a forked child holds a copy of every Thread object its parent had. */
  private threadObjs = new Map<string, ThreadObjFacts>();
  private waits: WaitFacts[] = [];
  private openWaits = new Map<string, number[]>();
  private openPauses = new Map<string, number>();
  private tasks = new Map<string, SubmittedTask>();
  private taskRuns: TaskRunFacts[] = [];
  private openTaskRuns = new Map<string, number>();
  private sends = new Map<string, IpcEnd>();
  private receives: IpcEnd[] = [];
  private placements: Placement[] = [];
  private procCpu = new Map<number, CpuSeries>();
  private threadCpu = new Map<number, Map<number, CpuSeries>>();
  private cores: CpuSeries[] = [];
  private totalCpu: CpuSeries = [];
  private rootPid: number | null = null;
  /** The run's own exit status, which is its root process's (Process.exitcode's sign rule). */
  private rootExit: number | null = null;
  private end = 0;
  private ended = false;
  private count = 0;

  /** Ingests events in log order; cheap per event, so a live run appends batch by batch. */
  add(events: readonly LabEvent[]): void {
    for (const event of events) this.ingest(event);
    this.count += events.length;
  }

  get size(): number {
    return this.count;
  }

  private proc(pid: number, t: number): ProcFacts {
    let facts = this.procs.get(pid);
    if (!facts) {
      facts = {
        pid,
        ppid: null,
        command: null,
        firstSeen: t,
        mainTid: null,
        role: null,
        attached: null,
        python: null,
        exited: null,
        scriptEnd: null,
        obj: null,
      };
      this.procs.set(pid, facts);
    } else if (t < facts.firstSeen) facts.firstSeen = t;
    return facts;
  }

  private procObj(id: ObjectId, name: string): ProcObjFacts {
    let facts = this.procObjs.get(id);
    if (!facts) {
      facts = {
        id,
        name,
        target: '',
        args: '',
        creatorPid: null,
        created: null,
        createdAt: null,
        started: null,
        startedBy: null,
        childPid: null,
        method: null,
        daemon: false,
        childExit: null,
        parentExit: null,
        exception: null,
      };
      this.procObjs.set(id, facts);
    }
    return facts;
  }

  private threadObj(pid: number, id: ObjectId, name: string): ThreadObjFacts {
    const key = `${pid}|${id}`;
    let facts = this.threadObjs.get(key);
    if (!facts) {
      facts = {
        id,
        pid,
        name,
        target: '',
        internal: false,
        daemon: false,
        created: null,
        started: null,
        tid: null,
        finished: null,
      };
      this.threadObjs.set(key, facts);
    }
    return facts;
  }

  private mark(
    event: LabEvent & { pid: number },
    marker: Omit<TimelineMarker, 'lane' | 't'>,
    placing: Partial<Pick<Placement, 'obj' | 'onThread'>> = {},
  ): void {
    // The literal passed in becomes the marker: no copy per event.
    const placed = marker as TimelineMarker;
    placed.lane = '';
    placed.t = event.t;
    this.placements.push({
      marker: placed,
      pid: event.pid,
      tid: event.tid ?? null,
      obj: placing.obj ?? null,
      onThread: placing.onThread ?? false,
    });
  }

  private ingest(event: LabEvent): void {
    if (event.t > this.end) this.end = event.t;
    if (event.kind === 'cpu.sample') return this.sample(event);
    if (event.kind === 'run.started') return;
    if (event.kind === 'run.ended') {
      this.ended = true;
      this.rootExit = exitStatus(event);
      return;
    }
    if (event.kind === 'step.resumed') return this.resumed(event);
    if (event.pid === undefined) {
      // Output nobody can be credited with (bytes on the run's shared pipes) goes on the root.
      if (event.kind === 'output' && this.rootPid !== null)
        this.output({ ...event, pid: this.rootPid });
      return;
    }
    const located = event as typeof event & { pid: number };
    const proc = this.proc(located.pid, event.t);
    switch (located.kind) {
      case 'proc.appeared':
        proc.ppid = located.ppid;
        proc.command = located.command;
        this.rootPid ??= located.pid;
        break;
      case 'tracer.attached':
        proc.ppid = located.ppid;
        proc.role = located.role;
        proc.python = located.python;
        proc.command ??= located.argv;
        proc.mainTid = located.tid ?? null;
        proc.attached = located.t;
        if (located.role === 'main') this.rootPid = located.pid;
        else this.rootPid ??= located.pid;
        break;
      case 'proc.exited': {
        proc.exited = { t: located.t, code: exitStatus(located) };
        break;
      }
      case 'script.end':
        proc.scriptEnd = located.t;
        this.mark(located, { kind: 'script-end', label: 'script finished', detail: '' });
        break;
      case 'script.error':
        this.mark(located, {
          kind: 'exception',
          label: `${located.type}: ${located.message}`,
          detail: lines(`the script raised (${located.phase})`, where(located.at)),
          traceback: located.traceback || `${located.type}: ${located.message}`,
        });
        break;
      case 'tracer.error':
        this.mark(located, {
          kind: 'warning',
          label: `tracer error in ${located.where}`,
          detail: located.message,
        });
        break;
      case 'tracer.limit':
        this.mark(located, {
          kind: 'warning',
          label: `stopped recording ${located.what === 'ipc' ? 'messages' : 'tasks'}`,
          detail: `after ${located.limit} in this process`,
        });
        break;
      case 'output':
        this.output(located);
        break;
      default:
        this.lifecycle(located, proc);
    }
  }

  private lifecycle(event: LabEvent & { pid: number }, proc: ProcFacts): void {
    switch (event.kind) {
      case 'mp.created': {
        const obj = this.procObj(event.proc, event.name);
        obj.name = event.name;
        obj.target = event.target;
        obj.args = event.args;
        obj.creatorPid = event.pid;
        obj.created = event.t;
        obj.createdAt = event.at;
        break;
      }
      case 'mp.started': {
        const obj = this.procObj(event.proc, event.name);
        // The name as of start() is the process's name (Pool renames its workers before).
        obj.name = event.name;
        obj.started = event.t;
        obj.startedBy = { pid: event.pid, tid: event.tid };
        obj.childPid = event.childPid;
        obj.daemon = event.daemon;
        obj.method = event.method;
        obj.creatorPid ??= event.pid;
        // What the child will run, with its arguments (mp.created came first from this
        // process); not the library's own targets, whose arguments are its plumbing.
        const call =
          obj.target && !LIBRARY_TARGET.test(obj.target)
            ? `${shortName(obj.target)}${callArguments(obj.args)}`
            : '';
        this.mark(
          event,
          {
            kind: 'start',
            label: `start() → pid ${event.childPid}`,
            detail: lines(call && `runs ${call}`, `${event.method} start method`, where(event.at)),
            ...(call ? { value: call } : {}),
          },
          {
            obj: { type: 'process', id: event.proc },
          },
        );
        break;
      }
      case 'mp.running': {
        const obj = this.procObj(event.proc, event.name);
        obj.childPid ??= event.pid;
        obj.name ||= event.name;
        proc.obj = event.proc;
        break;
      }
      case 'mp.is_alive':
        this.mark(
          event,
          {
            kind: 'is-alive',
            label: `is_alive() → ${event.alive ? 'True' : 'False'}`,
            detail: where(event.at),
            alive: event.alive,
          },
          {
            obj: { type: 'process', id: event.proc },
          },
        );
        break;
      case 'mp.join.call':
      case 'thread.join.call': {
        const isProcess = event.kind === 'mp.join.call';
        this.openWait(event, {
          target: isProcess ? event.proc : event.thread,
          what: isProcess ? 'process' : 'thread',
          atExit: event.at === null,
          timeout: event.timeout,
          at: event.at,
          call: 'join',
        });
        break;
      }
      case 'mp.join.return':
      case 'thread.join.return': {
        const wait = this.closeWait(
          event,
          event.kind === 'mp.join.return' ? event.proc : event.thread,
        );
        if (wait) {
          wait.ended = event.ended;
          if (event.kind === 'mp.join.return') wait.exitCode = event.exitCode;
        }
        break;
      }
      case 'mp.terminate':
      case 'mp.kill': {
        const kill = event.kind === 'mp.kill';
        this.mark(
          event,
          {
            kind: kill ? 'kill' : 'terminate',
            label: `${kill ? 'kill' : 'terminate'}() → ${kill ? 'SIGKILL' : 'SIGTERM'}`,
            detail: where(event.at),
          },
          {
            obj: { type: 'process', id: event.proc },
          },
        );
        break;
      }
      case 'mp.close':
        this.mark(
          event,
          {
            kind: 'close',
            label: 'close()',
            detail: where(event.at),
          },
          {
            obj: { type: 'process', id: event.proc },
          },
        );
        break;
      case 'mp.exit': {
        const obj = this.procObj(event.proc, '');
        if (event.childPid !== null) obj.childPid ??= event.childPid;
        if (event.by === 'child') obj.childExit ??= { t: event.t, code: event.exitCode };
        else obj.parentExit ??= { t: event.t, code: event.exitCode };
        break;
      }
      case 'mp.exception':
        this.procObj(event.proc, '').exception ??= event.type;
        this.mark(
          event,
          {
            kind: 'exception',
            label: `${event.type}: ${event.message}`,
            detail: 'raised in the target; the process ends with exit code 1',
            traceback: event.traceback,
          },
          {
            obj: { type: 'process', id: event.proc },
          },
        );
        break;
      case 'api.error': {
        const isProcess = event.call.startsWith('Process.');
        const isThread = event.call.startsWith('Thread.');
        this.mark(
          event,
          {
            kind: 'api-error',
            label: `${event.call}() raised ${event.type}`,
            detail: lines(event.message, where(event.at)),
          },
          {
            obj:
              isProcess || isThread
                ? { type: isProcess ? 'process' : 'thread', id: event.obj }
                : null,
            onThread: true,
          },
        );
        break;
      }
      case 'thread.created': {
        const thread = this.threadObj(event.pid, event.thread, event.name);
        thread.name = event.name;
        thread.target = event.target;
        thread.internal = event.internal;
        thread.daemon = event.daemon;
        thread.created = event.t;
        break;
      }
      case 'thread.started': {
        const thread = this.threadObj(event.pid, event.thread, event.name);
        thread.name = event.name;
        thread.started = event.t;
        thread.tid = event.tid ?? null;
        break;
      }
      case 'thread.finished':
        this.threadObj(event.pid, event.thread, event.name).finished = event.t;
        break;
      case 'thread.exception':
        this.mark(
          event,
          {
            kind: 'exception',
            label: `${event.type}: ${event.message}`,
            detail: `raised in thread ${event.name}; the thread ends, the process goes on`,
            traceback: event.traceback,
          },
          {
            onThread: true,
          },
        );
        break;
      case 'ipc.put':
      case 'ipc.send':
        if (event.msg !== null) this.sends.set(event.msg, event);
        break;
      case 'ipc.get':
      case 'ipc.recv':
        if (event.msg !== null) this.receives.push(event);
        break;
      case 'task.submitted':
        this.tasks.set(event.task, {
          pid: event.pid,
          tid: event.tid ?? null,
          t: event.t,
          func: event.func,
        });
        break;
      case 'task.started':
        if (event.tid === undefined) break;
        this.openTaskRuns.set(`${event.pid}:${event.task}:${event.index}`, this.taskRuns.length);
        this.taskRuns.push({
          task: event.task,
          index: event.index,
          pid: event.pid,
          tid: event.tid,
          start: event.t,
          end: null,
          ok: null,
          error: null,
        });
        break;
      case 'task.finished': {
        const key = `${event.pid}:${event.task}:${event.index}`;
        const run = this.taskRuns[this.openTaskRuns.get(key) ?? -1];
        if (!run) break;
        this.openTaskRuns.delete(key);
        run.end = event.t;
        run.ok = event.ok ?? true;
        run.error = event.error ?? null;
        break;
      }
      case 'step.paused':
        this.openPauses.set(`${event.pid}:${event.pause}`, this.waits.length);
        this.waits.push({
          pid: event.pid,
          tid: event.tid,
          start: event.t,
          end: null,
          kind: 'paused',
          target: event.obj,
          what: 'pause',
          atExit: false,
          timeout: null,
          at: event.at,
          ended: null,
          call: event.call,
          exitCode: null,
        });
        break;
    }
  }

  private output(event: LabEventOf<'output'> & { pid: number }): void {
    const text = event.text.trimEnd();
    if (text === '') return;
    const newline = text.indexOf('\n');
    this.mark(event, {
      kind: 'output',
      label: `${event.stream}: ${newline < 0 ? text : text.slice(0, newline)}`,
      detail: text,
    });
  }

  private openWait(
    event: LabEvent & { pid: number },
    wait: Pick<WaitFacts, 'target' | 'what' | 'atExit' | 'timeout' | 'at' | 'call'>,
  ): void {
    if (event.tid === undefined) return;
    const key = `${event.pid}:${event.tid}`;
    const open = this.openWaits.get(key) ?? [];
    open.push(this.waits.length);
    this.openWaits.set(key, open);
    this.waits.push({
      ...wait,
      pid: event.pid,
      tid: event.tid,
      start: event.t,
      end: null,
      kind: 'waiting',
      ended: null,
      exitCode: null,
    });
  }

  /** A thread's events arrive in order, so a return closes that thread's latest open join. */
  private closeWait(event: LabEvent & { pid: number }, target: ObjectId): WaitFacts | null {
    const open = this.openWaits.get(`${event.pid}:${event.tid}`);
    if (!open) return null;
    for (let i = open.length - 1; i >= 0; i--) {
      const wait = this.waits[open[i] ?? -1];
      if (wait?.target !== target) continue;
      open.splice(i, 1);
      wait.end = event.t;
      return wait;
    }
    return null;
  }

  private resumed(event: LabEventOf<'step.resumed'>): void {
    const key = `${event.pid}:${event.pause}`;
    const wait = this.waits[this.openPauses.get(key) ?? -1];
    if (!wait) return;
    this.openPauses.delete(key);
    wait.end = event.t;
    wait.ended = event.how === 'continue';
  }

  private sample(event: LabEventOf<'cpu.sample'>): void {
    const start = Math.max(0, event.t - event.intervalMs * 1000);
    event.cores?.forEach((busy, core) => (this.cores[core] ??= []).push(start, event.t, busy));
    // A sample without processes measured none (the first tick has no rate yet): not zero.
    if (event.procs.length > 0) {
      let total = 0;
      for (const sample of event.procs) total += sample.cpu;
      this.totalCpu.push(start, event.t, total);
    }
    for (const sample of event.procs) {
      appendSample(this.procCpu, sample.pid, start, event.t, sample.cpu);
      let threads = this.threadCpu.get(sample.pid);
      if (!threads) this.threadCpu.set(sample.pid, (threads = new Map()));
      for (const thread of sample.threads)
        appendSample(threads, thread.tid, start, event.t, thread.cpu);
    }
  }

  // -------------------------------------------------------------------------------------------

  build(): TimelineLayout {
    return new Projection({
      procs: this.procs,
      procObjs: this.procObjs,
      threadObjs: this.threadObjs,
      waits: this.waits,
      tasks: this.tasks,
      taskRuns: this.taskRuns,
      sends: this.sends,
      receives: this.receives,
      placements: this.placements,
      procCpu: this.procCpu,
      threadCpu: this.threadCpu,
      cores: this.cores,
      totalCpu: this.totalCpu,
      rootPid: this.rootPid,
      rootExit: this.rootExit,
      end: this.end,
      ended: this.ended,
      count: this.count,
    }).run();
  }
}

const LIBRARY_TARGET = /^(multiprocessing|concurrent|threading)\./;

/**
 * The argument list as the call is written: the tracer reports repr(args), and a one-element
 * tuple's repr has a trailing comma ("('Hi',)") that example('Hi') does not.
 */
export function callArguments(args: string): string {
  if (!args.startsWith('(')) return args ? `(${args})` : '()';
  return args.endsWith(',)') ? `${args.slice(0, -2)})` : args;
}

function appendSample(
  map: Map<number, CpuSeries>,
  key: number,
  start: number,
  end: number,
  cpu: number,
): void {
  const series = map.get(key);
  if (series) series.push(start, end, cpu);
  else map.set(key, [start, end, cpu]);
}

/**
 * Follows a growing log handed over as successive arrays (a live run appends batches; Svelte
 * hands a new array each time): only events past the ones already seen are ingested. Any other
 * change - a different run, a cleared log - starts over.
 */
export class TimelineFeed {
  private builder = new TimelineBuilder();
  private first: LabEvent | undefined;
  private last: LabEvent | undefined;
  private layout: TimelineLayout | null = null;
  /** Increments when the feed starts over, so a view can fit itself to a new run. */
  generation = 0;

  update(events: readonly LabEvent[]): TimelineLayout {
    const seen = this.builder.size;
    const continues =
      seen > 0 &&
      events.length >= seen &&
      events[0] === this.first &&
      events[seen - 1] === this.last;
    if (continues && events.length === seen && this.layout) return this.layout;
    if (!continues && (seen > 0 || !this.layout)) {
      this.builder = new TimelineBuilder();
      this.generation++;
    }
    this.builder.add(continues ? events.slice(seen) : events);
    this.first = events[0];
    this.last = events[events.length - 1];
    this.layout = this.builder.build();
    return this.layout;
  }
}

/** The whole log at once: what a replayed recording, or a test, wants. */
export function buildLayout(events: readonly LabEvent[]): TimelineLayout {
  const builder = new TimelineBuilder();
  builder.add(events);
  return builder.build();
}
