// The data model of the Lab and the Timeline: a run, and the append-only log of typed events it
// produces. Pure types and schemas: core produces them, the renderer draws them, the recording
// format stores them, so nothing here may touch Node, Electron or the DOM.
//
// Time: every event's `t` is in microseconds since the run started, on the OS monotonic clock
// (CLOCK_MONOTONIC on Linux, mach_absolute_time on macOS, QPC on Windows). Python's
// time.monotonic_ns() and Node's process.hrtime.bigint() both read that clock, so events stamped
// in different processes can be compared directly. `seq` is the order in which the supervisor
// logged them; two processes' events may arrive out of time order, so sort by `t` to draw.

import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Requests that arrive from the UI (validated by the transport with these schemas)

export const RUN_KINDS = ['python', 'exec'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/**
 * The built-in lesson a run was started for: kept on its summary (and in its recording), so the
 * Lessons view finds its runs again after a reload and compares them by variation.
 */
export const LessonTagSchema = z.strictObject({
  lessonId: z.string().min(1).max(64),
  variation: z.string().min(1).max(64),
});
export type LessonTag = z.infer<typeof LessonTagSchema>;

export const StartRunRequestSchema = z.strictObject({
  /** 'python': an instrumented Python script. 'exec': any program, observed from outside only. */
  kind: z.enum(RUN_KINDS),
  /**
   * The script, folder, zipapp or .pyc (python), or the executable (exec). After a '-m' or '-c'
   * at the end of `options`, the module or the code.
   */
  file: z.string().min(1),
  args: z.array(z.string()).default([]),
  /** Interpreter options before `file` (python only): ['-u', '-X', 'dev'], ['-m']… */
  options: z.array(z.string()).default([]),
  cwd: z.string().min(1).optional(),
  /** Overrides on top of Procscope's own environment; null removes a variable. */
  env: z.record(z.string().min(1), z.string().nullable()).optional(),
  /** Pause every instrumented process at each lifecycle call until told to go on. */
  stepMode: z.boolean().optional(),
  /** Interpreter to use instead of the one found on PATH or set in Settings. */
  python: z.string().min(1).optional(),
  title: z.string().min(1).optional(),
  lesson: LessonTagSchema.optional(),
});
export type StartRunRequest = z.input<typeof StartRunRequestSchema>;

export const RunIdSchema = z.string().min(1);

export const STEP_ACTIONS = ['step', 'continue'] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];
export const StepRequestSchema = z.strictObject({
  runId: RunIdSchema,
  action: z.enum(STEP_ACTIONS),
});

export const SetStepModeRequestSchema = z.strictObject({
  runId: RunIdSchema,
  on: z.boolean(),
});

export const RUN_SIGNALS = ['terminate', 'kill'] as const;
export type RunSignal = (typeof RUN_SIGNALS)[number];
export const SignalRunProcessRequestSchema = z.strictObject({
  runId: RunIdSchema,
  pid: z.number().int().positive(),
  action: z.enum(RUN_SIGNALS),
});

/** Text for a run's stdin, as typed; `eof` then closes it (Ctrl-D on a terminal). */
export const RunInputRequestSchema = z
  .strictObject({
    runId: RunIdSchema,
    text: z
      .string()
      .max(1024 * 1024)
      .optional(),
    eof: z.boolean().optional(),
  })
  .refine((request) => request.text !== undefined || request.eof === true, {
    message: 'Give text to send, or eof: true to close the input.',
  });

export const RunEventsRequestSchema = z.strictObject({
  runId: RunIdSchema,
  /** Only events with a larger seq; omit for the whole retained log. */
  sinceSeq: z.number().int().min(0).optional(),
});

// ---------------------------------------------------------------------------------------------
// Runs

export const RUN_STATES = ['starting', 'running', 'exited', 'stopped', 'failed'] as const;
export type RunState = (typeof RUN_STATES)[number];

export interface PythonInfo {
  path: string;
  /** "3.11.7" */
  version: string;
}

export interface RunSummary {
  id: string;
  title: string;
  kind: RunKind;
  /** The program as the user would type it (the tracer's own wrapping is not shown). */
  command: string[];
  cwd: string;
  state: RunState;
  /** Pid of the user's program (the root of the run's tree), once it exists. */
  rootPid: number | null;
  /** Exit status of the root process: a code, or the name of the signal that ended it. */
  exitCode: number | null;
  signal: string | null;
  /** Why the run failed or could not start, in words. */
  error: string | null;
  /** Epoch ms. */
  startedAt: number;
  endedAt: number | null;
  stepMode: boolean;
  python: PythonInfo | null;
  /** Output that was not kept: beyond the per-window rate cap or evicted from the ring. */
  droppedOutputBytes: number;
  /** The program's stdin still takes input (lab.input): until its end is sent, or the run ends. */
  inputOpen?: boolean;
  /** Events evicted from the front of the bounded log. */
  droppedEvents: number;
  /** seq of the newest event. */
  lastSeq: number;
  /** Set when the run is a lesson's (started with lessons.run). */
  lesson?: LessonTag;
}

// ---------------------------------------------------------------------------------------------
// Events

interface EventBase {
  seq: number;
  /** Microseconds since the run started, on the shared monotonic clock. */
  t: number;
  /** The process the event happened in (or is about), where known. */
  pid?: number;
  /** The native thread id the event happened on, where known. */
  tid?: number;
}

/** Where in the user's code a call was made; null when no user frame made it (e.g. at exit). */
export interface CallSite {
  file: string;
  line: number;
}

/**
 * Objects are named "<pid of the creating process>:<counter>", stable across processes: a child
 * knows the Process object it runs under by the same id its parent used.
 */
export type ObjectId = string;

export interface RunStartedEvent extends EventBase {
  kind: 'run.started';
  command: string[];
  cwd: string;
  stepMode: boolean;
}

export interface RunEndedEvent extends EventBase {
  kind: 'run.ended';
  state: RunState;
  exitCode: number | null;
  signal: string | null;
  error: string | null;
}

/** Seen by observing the OS (or first heard of from its tracer), with or without instrumentation. */
export interface ProcAppearedEvent extends EventBase {
  kind: 'proc.appeared';
  pid: number;
  ppid: number;
  command: string[];
  source: 'os' | 'tracer';
}

export interface ProcExitedEvent extends EventBase {
  kind: 'proc.exited';
  pid: number;
  /** Null when the OS did not tell (the process was reaped by its parent before we looked). */
  exitCode: number | null;
  signal: string | null;
}

export interface OutputEvent extends EventBase {
  kind: 'output';
  stream: 'stdout' | 'stderr';
  /** Absent when the writer is unknown: bytes that arrived on the run's shared pipes. */
  pid?: number;
  /** Decoded as UTF-8; invalid sequences are replaced with U+FFFD. */
  text: string;
  /** Bytes of this stream and window that were dropped by the rate cap. */
  droppedBytes: number;
}

/** Text sent to the program's stdin (lab.input), as typed; `eof`: its end was sent after it. */
export interface InputEvent extends EventBase {
  kind: 'input';
  text: string;
  eof: boolean;
}

export interface CpuSampleThread {
  tid: number;
  /** Percent of one core over the interval. */
  cpu: number;
}

export interface CpuSampleProcess {
  pid: number;
  /** Percent of one core over the interval: a process with two busy threads shows ~200. */
  cpu: number;
  threads: CpuSampleThread[];
}

export interface CpuSampleEvent extends EventBase {
  kind: 'cpu.sample';
  intervalMs: number;
  procs: CpuSampleProcess[];
  /**
   * How busy each logical core of the machine was over the same interval, 0–100, in the OS's
   * order: the whole machine, not only this run, so the run's CPU can be read against what the
   * cores could give. Absent in recordings made before it was sampled.
   */
  cores?: number[];
}

export interface TracerAttachedEvent extends EventBase {
  kind: 'tracer.attached';
  pid: number;
  ppid: number;
  python: string;
  executable: string;
  argv: string[];
  /** How this interpreter came to be: the run's main program, a fork, or a fresh interpreter. */
  role: 'main' | 'forked' | 'spawned';
}

export interface TracerErrorEvent extends EventBase {
  kind: 'tracer.error';
  /** Which part of the tracer (or of the supervisor's reading of it) failed. */
  where: string;
  message: string;
}

/** A fine-grained stream (IPC messages, pool tasks) reached its per-process budget and stopped. */
export interface TracerLimitEvent extends EventBase {
  kind: 'tracer.limit';
  what: 'ipc' | 'tasks';
  limit: number;
}

/** The script could not be run at all, or its main module raised. */
export interface ScriptErrorEvent extends EventBase {
  kind: 'script.error';
  phase: 'open' | 'compile' | 'run';
  type: string;
  message: string;
  traceback: string;
  at: CallSite | null;
}

/** The main module finished; the interpreter may still wait for children and threads. */
export interface ScriptEndEvent extends EventBase {
  kind: 'script.end';
}

export interface MpCreatedEvent extends EventBase {
  kind: 'mp.created';
  proc: ObjectId;
  name: string;
  /** Qualified name of the target, or of the Process subclass when run() is overridden. */
  target: string;
  /** repr of args and kwargs, shortened. */
  args: string;
  at: CallSite | null;
}

export interface MpStartedEvent extends EventBase {
  kind: 'mp.started';
  proc: ObjectId;
  childPid: number;
  name: string;
  daemon: boolean;
  /** 'fork' | 'spawn' | 'forkserver' */
  method: string;
  at: CallSite | null;
}

/** In the child: the Process object's run() is about to be called. */
export interface MpRunningEvent extends EventBase {
  kind: 'mp.running';
  proc: ObjectId;
  name: string;
}

export interface MpIsAliveEvent extends EventBase {
  kind: 'mp.is_alive';
  proc: ObjectId;
  alive: boolean;
  at: CallSite | null;
}

export interface MpJoinCallEvent extends EventBase {
  kind: 'mp.join.call';
  proc: ObjectId;
  timeout: number | null;
  /** Null for the join multiprocessing performs by itself at interpreter exit. */
  at: CallSite | null;
}

export interface MpJoinReturnEvent extends EventBase {
  kind: 'mp.join.return';
  proc: ObjectId;
  /** False when join() returned because of its timeout. */
  ended: boolean;
  exitCode: number | null;
}

export interface MpSignalEvent extends EventBase {
  kind: 'mp.terminate' | 'mp.kill';
  proc: ObjectId;
  childPid: number | null;
  at: CallSite | null;
}

export interface MpCloseEvent extends EventBase {
  kind: 'mp.close';
  proc: ObjectId;
  at: CallSite | null;
}

export interface MpExitEvent extends EventBase {
  kind: 'mp.exit';
  proc: ObjectId;
  childPid: number | null;
  /** Process.exitcode: negative means killed by that signal number. */
  exitCode: number;
  /**
   * Once per Process object: the child reports its own normal end (exit code 0 or more, 1 after
   * an exception); a child killed by a signal cannot, so its parent reports what it observed.
   */
  by: 'child' | 'parent';
}

export interface MpExceptionEvent extends EventBase {
  kind: 'mp.exception';
  proc: ObjectId;
  type: string;
  message: string;
  traceback: string;
}

/** A lifecycle call raised: start() twice, join() before start(), close() while running… */
export interface ApiErrorEvent extends EventBase {
  kind: 'api.error';
  /** "Process.start", "Thread.join", … */
  call: string;
  obj: ObjectId;
  type: string;
  message: string;
  at: CallSite | null;
}

export interface ThreadCreatedEvent extends EventBase {
  kind: 'thread.created';
  thread: ObjectId;
  name: string;
  target: string;
  daemon: boolean;
  /** Created by the standard library itself (a Queue's feeder thread, a Pool's handlers). */
  internal: boolean;
  at: CallSite | null;
}

/** Emitted on the new thread itself, so `tid` is its native id. */
export interface ThreadStartedEvent extends EventBase {
  kind: 'thread.started' | 'thread.finished';
  thread: ObjectId;
  name: string;
}

export interface ThreadJoinCallEvent extends EventBase {
  kind: 'thread.join.call';
  thread: ObjectId;
  timeout: number | null;
  at: CallSite | null;
}

export interface ThreadJoinReturnEvent extends EventBase {
  kind: 'thread.join.return';
  thread: ObjectId;
  ended: boolean;
}

export interface ThreadExceptionEvent extends EventBase {
  kind: 'thread.exception';
  thread: ObjectId;
  name: string;
  type: string;
  message: string;
  traceback: string;
}

/**
 * One message through a Queue (put/get) or a Pipe connection (send/recv). `msg` is the id the
 * sender attached to the message, so a receive names the send it matches; null on a receive of a
 * message that was sent untraced. `channel` names the Queue or Pipe: the same in every process,
 * and for both ends of a Pipe.
 */
export interface IpcEvent extends EventBase {
  kind: 'ipc.put' | 'ipc.get' | 'ipc.send' | 'ipc.recv';
  channel: string;
  msg: string | null;
  /** Sends only: repr of the object sent, shortened to 80 characters. */
  value?: string;
}

export interface TaskSubmittedEvent extends EventBase {
  kind: 'task.submitted';
  task: string;
  /** "Pool.apply_async", "Pool.map", "ProcessPoolExecutor.submit", … */
  api: string;
  func: string;
  /**
   * How many items (calls) the task stands for. null when that is unknown until the iterable has
   * been consumed: imap or Executor.map given an iterable without a length, such as a generator.
   */
  count: number | null;
  at: CallSite | null;
}

export interface TaskRunEvent extends EventBase {
  kind: 'task.started' | 'task.finished';
  task: string;
  /** Position of the item in a map; 0 for a single call. */
  index: number;
  /** task.finished only: false when the call raised. */
  ok?: boolean;
  error?: string;
}

export interface StepPausedEvent extends EventBase {
  kind: 'step.paused';
  pid: number;
  tid: number;
  /** Per process. Resume with LabSupervisor.step(). */
  pause: number;
  /** "Process.start", "Process.join", … */
  call: string;
  obj: ObjectId | null;
  at: CallSite;
  /** The source line, for display. */
  code: string;
}

export interface StepResumedEvent extends EventBase {
  kind: 'step.resumed';
  pause: number;
  how: StepAction;
}

export type LabEvent =
  | RunStartedEvent
  | RunEndedEvent
  | ProcAppearedEvent
  | ProcExitedEvent
  | OutputEvent
  | InputEvent
  | CpuSampleEvent
  | TracerAttachedEvent
  | TracerErrorEvent
  | TracerLimitEvent
  | ScriptErrorEvent
  | ScriptEndEvent
  | MpCreatedEvent
  | MpStartedEvent
  | MpRunningEvent
  | MpIsAliveEvent
  | MpJoinCallEvent
  | MpJoinReturnEvent
  | MpSignalEvent
  | MpCloseEvent
  | MpExitEvent
  | MpExceptionEvent
  | ApiErrorEvent
  | ThreadCreatedEvent
  | ThreadStartedEvent
  | ThreadJoinCallEvent
  | ThreadJoinReturnEvent
  | ThreadExceptionEvent
  | IpcEvent
  | TaskSubmittedEvent
  | TaskRunEvent
  | StepPausedEvent
  | StepResumedEvent;

export type LabEventKind = LabEvent['kind'];

// A Record so that the compiler insists on every kind, and on nothing else.
const KINDS: Record<LabEventKind, true> = {
  'run.started': true,
  'run.ended': true,
  'proc.appeared': true,
  'proc.exited': true,
  output: true,
  input: true,
  'cpu.sample': true,
  'tracer.attached': true,
  'tracer.error': true,
  'tracer.limit': true,
  'script.error': true,
  'script.end': true,
  'mp.created': true,
  'mp.started': true,
  'mp.running': true,
  'mp.is_alive': true,
  'mp.join.call': true,
  'mp.join.return': true,
  'mp.terminate': true,
  'mp.kill': true,
  'mp.close': true,
  'mp.exit': true,
  'mp.exception': true,
  'api.error': true,
  'thread.created': true,
  'thread.started': true,
  'thread.finished': true,
  'thread.join.call': true,
  'thread.join.return': true,
  'thread.exception': true,
  'ipc.put': true,
  'ipc.get': true,
  'ipc.send': true,
  'ipc.recv': true,
  'task.submitted': true,
  'task.started': true,
  'task.finished': true,
  'step.paused': true,
  'step.resumed': true,
};

/** Every kind, for code that must recognise events read from outside (recordings). */
export const LAB_EVENT_KINDS = Object.keys(KINDS) as LabEventKind[];

export function isLabEventKind(value: string): value is LabEventKind {
  return Object.hasOwn(KINDS, value);
}

/** The event of one kind (some interfaces serve a pair of kinds, such as mp.terminate/mp.kill). */
export type LabEventOf<K extends LabEventKind> = OfKind<LabEvent, K>;
type OfKind<E, K> = E extends { kind: infer EK } ? (K extends EK ? E & { kind: K } : never) : never;

/** An event before the log has numbered and timed it. */
export type LabEventInput = WithoutSeq<LabEvent>;
type WithoutSeq<T> = T extends unknown ? Omit<T, 'seq'> : never;

export const MIN_PYTHON: readonly [number, number] = [3, 8];
