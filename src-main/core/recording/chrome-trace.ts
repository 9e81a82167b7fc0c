// A recording as Chrome Trace Event JSON, which Perfetto (ui.perfetto.dev) and chrome://tracing
// open. The mapping (docs/recording-format.md has the table):
//   * each process is a complete ('X') slice on its main thread for as long as it was seen, each
//     thread one on its own track; waits (join), paused steps and pool tasks are nested slices;
//   * markers (created, started, is_alive, exit, exceptions, output...) are thread instants;
//   * IPC messages, Process.start and task submissions are flow arrows ('s' to 'f');
//   * CPU samples are counters ('C'), per process and per thread, and the machine's cores one
//     counter of their own, on a process track of its own (MACHINE_PID).
// Timestamps are the recording's: microseconds since the run started.

import type { LabEvent, RunSummary } from '../../common/lab';

export interface TraceEvent {
  name: string;
  ph: 'X' | 'i' | 's' | 'f' | 'C' | 'M';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  /** Flow id. */
  id?: number;
  /** 'f' binds to the slice enclosing it (v1 flows default to the next slice). */
  bp?: 'e';
  /** Instant scope: thread. */
  s?: 't';
  args?: Record<string, unknown>;
}

export interface ChromeTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms';
  otherData: Record<string, string | number | null>;
}

const MAX_TEXT = 1_000;
/** No process has pid 0 on Linux or macOS (the scheduler's), and Windows' System Idle: free. */
const MACHINE_PID = 0;

/** The label of the marker an event gets on its thread, if it gets one. */
function markerLabel(event: LabEvent): string | undefined {
  switch (event.kind) {
    case 'mp.created':
      return `Process(${event.name}) created`;
    case 'mp.started':
      return `${event.name}.start() → pid ${event.childPid}`;
    case 'mp.running':
      return `${event.name} running`;
    case 'mp.is_alive':
      return `is_alive() → ${event.alive ? 'True' : 'False'}`;
    case 'mp.terminate':
    case 'mp.kill':
    case 'mp.close':
      return `${event.kind.slice(3)}()`;
    case 'mp.exit':
      return `exit ${event.exitCode}`;
    case 'mp.exception':
    case 'thread.exception':
    case 'script.error':
      return `${event.type}: ${event.message}`;
    case 'api.error':
      return `${event.call}: ${event.type}`;
    case 'thread.created':
      return `Thread(${event.name}) created`;
    case 'script.end':
      return 'main module finished';
    case 'tracer.attached':
      return `traced (Python ${event.python})`;
    case 'tracer.error':
      return `tracer error: ${event.message}`;
    case 'tracer.limit':
      return `${event.what} tracing stopped after ${event.limit}`;
    case 'task.submitted':
      return `${event.api}(${event.func})`;
    case 'proc.appeared':
      return 'appeared';
    case 'proc.exited':
      return `exited ${event.signal ?? event.exitCode ?? ''}`.trim();
    case 'output':
      return event.stream;
    default:
      return undefined;
  }
}

export function toChromeTrace(summary: RunSummary, events: readonly LabEvent[]): ChromeTrace {
  const trace = new TraceBuilder(summary, events);
  return {
    traceEvents: trace.build(),
    displayTimeUnit: 'ms',
    otherData: {
      title: summary.title,
      command: summary.command.join(' '),
      state: summary.state,
      exitCode: summary.exitCode,
      signal: summary.signal,
      startedAt: new Date(summary.startedAt).toISOString(),
    },
  };
}

interface Lifetime {
  start: number;
  end: number;
  name: string;
}

class TraceBuilder {
  private readonly out: TraceEvent[] = [];
  private readonly processes = new Map<number, Lifetime>();
  private readonly threadNames = new Map<string, string>();
  private readonly open = new Map<string, { ts: number; pid: number; tid: number; name: string }>();
  private readonly flowSources = new Map<string, { pid: number; tid: number; ts: number }>();
  private nextFlow = 1;
  private sawCores = false;
  private readonly runEnd: number;

  constructor(
    private readonly summary: RunSummary,
    private readonly events: readonly LabEvent[],
  ) {
    this.runEnd = events.reduce((latest, event) => Math.max(latest, event.t), 0);
  }

  build(): TraceEvent[] {
    const byTime = [...this.events].sort((a, b) => a.t - b.t || a.seq - b.seq);
    for (const event of byTime) {
      this.notePid(event);
      this.noteFlowSource(event);
    }
    for (const event of byTime) this.convert(event);
    // Spans still open at the end (a join the run was stopped in) end with the process.
    for (const [, span] of this.open) {
      const end = this.processes.get(span.pid)?.end ?? this.runEnd;
      this.complete(span.name, span.pid, span.tid, span.ts, end, 'wait');
    }
    const metadata: TraceEvent[] = [];
    for (const [pid, life] of this.processes) {
      metadata.push({
        name: 'process_name',
        ph: 'M',
        pid,
        tid: pid,
        args: { name: `${life.name} (${pid})` },
      });
      metadata.push({ name: 'thread_name', ph: 'M', pid, tid: pid, args: { name: 'MainThread' } });
      this.complete(life.name, pid, pid, life.start, life.end, 'process');
    }
    if (this.sawCores)
      metadata.push({
        name: 'process_name',
        ph: 'M',
        pid: MACHINE_PID,
        tid: MACHINE_PID,
        args: { name: 'Machine (every core)' },
      });
    for (const [key, name] of this.threadNames) {
      const [pid = 0, tid = 0] = key.split(':').map(Number);
      metadata.push({ name: 'thread_name', ph: 'M', pid, tid, args: { name } });
    }
    return [...metadata, ...this.out.sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0))];
  }

  /** A process's slice spans every event that happened in it, so everything nests inside. */
  private notePid(event: LabEvent): void {
    if (event.pid === undefined) return;
    const life = this.processes.get(event.pid) ?? {
      start: event.t,
      end: event.t,
      name: `pid ${event.pid}`,
    };
    life.start = Math.min(life.start, event.t);
    life.end = event.kind === 'proc.exited' ? event.t : Math.max(life.end, event.t);
    if (event.pid === this.summary.rootPid) life.name = `main: ${this.summary.title}`;
    else if (event.kind === 'mp.running') life.name = event.name;
    this.processes.set(event.pid, life);
  }

  /**
   * Where arrows start. Collected before any arrow is drawn: a receive can be stamped before its
   * send (the sender reports after its call returns), and must still find it.
   */
  private noteFlowSource(event: LabEvent): void {
    const source = { pid: event.pid ?? 0, tid: event.tid ?? event.pid ?? 0, ts: event.t };
    if (event.kind === 'task.submitted') this.flowSources.set(`task ${event.task}`, source);
    else if (event.kind === 'mp.started') this.flowSources.set(`start ${event.proc}`, source);
    else if ((event.kind === 'ipc.put' || event.kind === 'ipc.send') && event.msg !== null) {
      this.flowSources.set(`msg ${event.msg}`, source);
    }
  }

  private convert(event: LabEvent): void {
    const pid = event.pid ?? 0;
    const tid = event.tid ?? pid;
    const label = markerLabel(event);
    if (label !== undefined) this.instant(label, event, pid, tid);
    switch (event.kind) {
      case 'thread.started':
        this.threadNames.set(`${pid}:${tid}`, event.name);
        this.begin(`thread ${pid}:${event.thread}`, event.name, event.t, pid, tid);
        break;
      case 'thread.finished':
        this.end(`thread ${pid}:${event.thread}`, event.t, 'thread');
        break;
      case 'mp.join.call':
        this.begin(`join ${pid}:${tid}:${event.proc}`, `join ${event.proc}`, event.t, pid, tid);
        break;
      case 'mp.join.return':
        this.end(`join ${pid}:${tid}:${event.proc}`, event.t, 'wait');
        break;
      case 'thread.join.call':
        this.begin(`tjoin ${pid}:${tid}:${event.thread}`, `join thread`, event.t, pid, tid);
        break;
      case 'thread.join.return':
        this.end(`tjoin ${pid}:${tid}:${event.thread}`, event.t, 'wait');
        break;
      case 'step.paused':
        this.begin(`pause ${pid}:${event.pause}`, `paused at ${event.call}`, event.t, pid, tid);
        break;
      case 'step.resumed':
        this.end(`pause ${pid}:${event.pause}`, event.t, 'step');
        break;
      case 'task.started':
        this.begin(
          `task ${pid}:${tid}:${event.task}:${event.index}`,
          `task ${event.index}`,
          event.t,
          pid,
          tid,
        );
        this.flowEnd(`task ${event.task}`, 'task', event.t, pid, tid);
        break;
      case 'task.finished':
        this.end(`task ${pid}:${tid}:${event.task}:${event.index}`, event.t, 'task');
        break;
      case 'mp.running':
        this.flowEnd(`start ${event.proc}`, 'start', event.t, pid, tid);
        break;
      case 'ipc.get':
      case 'ipc.recv':
        if (event.msg !== null)
          this.flowEnd(`msg ${event.msg}`, event.channel, event.t, pid, tid, true);
        break;
      case 'cpu.sample':
        for (const proc of event.procs) {
          this.out.push({
            name: 'CPU %',
            ph: 'C',
            pid: proc.pid,
            tid: proc.pid,
            ts: event.t,
            args: { cpu: proc.cpu },
          });
          for (const thread of proc.threads) {
            const name = this.threadNames.get(`${proc.pid}:${thread.tid}`) ?? `tid ${thread.tid}`;
            this.out.push({
              name: `CPU % ${name}`,
              ph: 'C',
              pid: proc.pid,
              tid: thread.tid,
              ts: event.t,
              args: { cpu: thread.cpu },
            });
          }
        }
        if (event.cores) {
          this.sawCores = true;
          this.out.push({
            name: 'CPU % per core',
            ph: 'C',
            pid: MACHINE_PID,
            tid: MACHINE_PID,
            ts: event.t,
            args: Object.fromEntries(event.cores.map((busy, core) => [`core ${core}`, busy])),
          });
        }
        break;
      default:
        break;
    }
  }

  private instant(name: string, event: LabEvent, pid: number, tid: number): void {
    const { seq, t, kind, ...fields } = event;
    const args = Object.fromEntries(
      Object.entries(fields).map(([key, value]) => [
        key,
        typeof value === 'string' && value.length > MAX_TEXT
          ? `${value.slice(0, MAX_TEXT)}…`
          : value,
      ]),
    );
    this.out.push({
      name: name.slice(0, 200),
      ph: 'i',
      s: 't',
      cat: kind,
      pid,
      tid,
      ts: t,
      args: { seq, ...args },
    });
  }

  private begin(key: string, name: string, ts: number, pid: number, tid: number): void {
    this.open.set(key, { ts, pid, tid, name });
  }

  private end(key: string, ts: number, cat: string): void {
    const span = this.open.get(key);
    if (!span) return;
    this.open.delete(key);
    this.complete(span.name, span.pid, span.tid, span.ts, ts, cat);
  }

  private complete(
    name: string,
    pid: number,
    tid: number,
    start: number,
    end: number,
    cat: string,
  ): void {
    this.out.push({ name, ph: 'X', cat, pid, tid, ts: start, dur: Math.max(0, end - start) });
  }

  /**
   * An arrow from the recorded source to here. A source with several ends (a map's items)
   * gets one arrow per end; an end without a recorded source gets none.
   */
  private flowEnd(
    source: string,
    name: string,
    ts: number,
    pid: number,
    tid: number,
    once = false,
  ): void {
    const from = this.flowSources.get(source);
    if (!from) return;
    if (once) this.flowSources.delete(source);
    const id = this.nextFlow++;
    this.out.push({ name, ph: 's', cat: 'flow', id, pid: from.pid, tid: from.tid, ts: from.ts });
    this.out.push({ name, ph: 'f', bp: 'e', cat: 'flow', id, pid, tid, ts });
  }
}
