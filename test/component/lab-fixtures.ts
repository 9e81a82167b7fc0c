// Event logs shaped as the tracer and the supervisor write them (see src-main/core/lab/python):
// lifecycle calls carry the pid/tid of the calling process and thread, mp.running and the child's
// own mp.exit come from the child, thread.started from the new thread itself.
import type { PythonStatus } from '$common/contract';
import type { CallSite, LabEvent, LabEventInput, RunSummary } from '$common/lab';
import { FakeBridge } from './fake-bridge';

export const ROOT = 4312;
export const CHILD_1 = 4313;
export const CHILD_2 = 4314;
export const SCRIPT = '/home/me/lesson.py';

/** An event as a test writes it: no seq, and its time optional (1 ms after the previous one). */
type Draft<T> = T extends unknown ? Omit<T, 't'> & { t?: number } : never;

export class LogBuilder {
  readonly events: LabEvent[] = [];
  private t = 0;

  add(event: Draft<LabEventInput>): this {
    this.t = event.t ?? this.t + 1000;
    this.events.push({ ...event, t: this.t, seq: this.events.length + 1 } as LabEvent);
    return this;
  }

  /** The events after `seq`. */
  since(seq: number): LabEvent[] {
    return this.events.filter((event) => event.seq > seq);
  }
}

const at = (line: number) => ({ file: SCRIPT, line });

/** The main process held in step mode before Process-1's start(), at `where`. */
export function pausedAtStart(log: LogBuilder, where: CallSite = at(15), code = 'p1.start()') {
  return log.add({
    kind: 'step.paused',
    pid: ROOT,
    tid: ROOT,
    pause: 1,
    call: 'Process.start',
    obj: `${ROOT}:1`,
    at: where,
    code,
  });
}

/** The tutorial's program up to both Process objects made, neither started. */
export function created(log = new LogBuilder()): LogBuilder {
  return log
    .add({ kind: 'run.started', command: ['python3', SCRIPT], cwd: '/home/me', stepMode: false })
    .add({ kind: 'proc.appeared', pid: ROOT, ppid: 1000, command: ['python3'], source: 'os' })
    .add({
      kind: 'tracer.attached',
      pid: ROOT,
      ppid: 1000,
      tid: ROOT,
      python: '3.11.7',
      executable: '/usr/bin/python3',
      argv: [SCRIPT],
      role: 'main',
    })
    .add({
      kind: 'mp.created',
      pid: ROOT,
      tid: ROOT,
      proc: `${ROOT}:1`,
      name: 'Process-1',
      target: 'do_something',
      args: '()',
      at: at(12),
    })
    .add({
      kind: 'mp.created',
      pid: ROOT,
      tid: ROOT,
      proc: `${ROOT}:2`,
      name: 'Process-2',
      target: 'do_something',
      args: "('Hi',)",
      at: at(13),
    });
}

function startChild(log: LogBuilder, n: 1 | 2, pid: number): void {
  log
    .add({
      kind: 'mp.started',
      pid: ROOT,
      tid: ROOT,
      proc: `${ROOT}:${n}`,
      childPid: pid,
      name: `Process-${n}`,
      daemon: false,
      method: 'fork',
      at: at(14 + n),
    })
    .add({ kind: 'proc.appeared', pid, ppid: ROOT, command: ['python3'], source: 'os' })
    .add({ kind: 'mp.running', pid, tid: pid, proc: `${ROOT}:${n}`, name: `Process-${n}` })
    .add({ kind: 'output', pid, stream: 'stdout', text: "I'm going to sleep\n", droppedBytes: 0 });
}

/** Both children started and asleep; the main process blocked in Process-1.join(). */
export function joining(log = created()): LogBuilder {
  startChild(log, 1, CHILD_1);
  startChild(log, 2, CHILD_2);
  return log.add({
    kind: 'mp.join.call',
    pid: ROOT,
    tid: ROOT,
    proc: `${ROOT}:1`,
    timeout: null,
    at: at(18),
  });
}

function childEnds(log: LogBuilder, n: 1 | 2, pid: number): void {
  log
    .add({ kind: 'output', pid, stream: 'stdout', text: "I'm awake\n", droppedBytes: 0 })
    .add({
      kind: 'mp.exit',
      pid,
      tid: pid,
      proc: `${ROOT}:${n}`,
      childPid: pid,
      exitCode: 0,
      by: 'child',
    })
    .add({ kind: 'proc.exited', pid, exitCode: 0, signal: null })
    .add({
      kind: 'mp.join.return',
      pid: ROOT,
      tid: ROOT,
      proc: `${ROOT}:${n}`,
      ended: true,
      exitCode: 0,
    })
    .add({
      kind: 'mp.exit',
      pid: ROOT,
      tid: ROOT,
      proc: `${ROOT}:${n}`,
      childPid: pid,
      exitCode: 0,
      by: 'parent',
    });
}

/** The whole tutorial run: both children slept a second, were joined, and exited 0. */
export function finished(log = joining()): LogBuilder {
  childEnds(log, 1, CHILD_1);
  log.add({
    kind: 'mp.join.call',
    pid: ROOT,
    tid: ROOT,
    proc: `${ROOT}:2`,
    timeout: null,
    at: at(19),
  });
  childEnds(log, 2, CHILD_2);
  return log
    .add({
      kind: 'output',
      pid: ROOT,
      stream: 'stdout',
      text: 'Wall time: 1.01 s\n',
      droppedBytes: 0,
    })
    .add({ kind: 'script.end', pid: ROOT, tid: ROOT })
    .add({ kind: 'proc.exited', pid: ROOT, exitCode: 0, signal: null })
    .add({ kind: 'run.ended', state: 'exited', exitCode: 0, signal: null, error: null });
}

export function summary(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    id: 'run-1',
    title: 'lesson.py',
    kind: 'python',
    command: ['python3', 'lesson.py'],
    cwd: '/home/me',
    state: 'running',
    rootPid: ROOT,
    exitCode: null,
    signal: null,
    error: null,
    startedAt: Date.UTC(2025, 0, 6, 9, 30, 0),
    endedAt: null,
    stepMode: false,
    python: { path: '/usr/bin/python3', version: '3.11.7' },
    droppedOutputBytes: 0,
    droppedEvents: 0,
    lastSeq: 0,
    ...overrides,
  };
}

export const PYTHON_OK: PythonStatus = {
  python: { path: '/usr/bin/python3', version: '3.11.7' },
  configured: null,
  problem: null,
};

/**
 * A backend with one Lab run (or none): lab.events answers from `log` (honouring sinceSeq), and
 * lab.start starts run-2. Any answer can be replaced.
 */
export function labBridge(
  options: { runs?: RunSummary[]; log?: LogBuilder; python?: PythonStatus } = {},
  answers: ConstructorParameters<typeof FakeBridge>[0] = {},
): FakeBridge {
  const log = options.log ?? new LogBuilder();
  const runs = options.runs ?? [];
  return new FakeBridge({
    'lab.runs': () => runs,
    'lab.python': () => options.python ?? PYTHON_OK,
    'lab.events': ({ runId, sinceSeq }) => ({
      summary: {
        ...(runs.find((run) => run.id === runId) ?? summary({ id: runId })),
        lastSeq: log.events.length,
      },
      events: log.since(sinceSeq ?? 0),
      more: false,
    }),
    'lab.start': (request) =>
      summary({ id: 'run-2', title: 'started', command: [request.file, ...(request.args ?? [])] }),
    'lab.step': ({ runId }) => runs.find((run) => run.id === runId) ?? summary({ id: runId }),
    'lab.signal': ({ runId }) => runs.find((run) => run.id === runId) ?? summary({ id: runId }),
    ...answers,
  });
}
