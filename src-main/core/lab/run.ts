// One run: its program (through the watchdog), the tracers of its Python processes, the OS view
// of its process tree, and its log. Everything that happens to the run becomes an event here,
// numbered by the log and handed to listeners in batches.

import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { ProcscopeError } from '../../common/errors';
import type {
  LabEvent,
  LabEventInput,
  LessonTag,
  PythonInfo,
  RunKind,
  RunSignal,
  RunState,
  RunSummary,
  StepAction,
} from '../../common/lab';
import { RunEventStream } from './event-stream';
import { RunObserver, type CoreReader, type ProcessProbe } from './observer';
import { OutputAttribution } from './output-attribution';
import { signalName, type ExitStatus, type ProcessTreeReader } from './process-tree';
import { isPythonExecutable, parsePythonArgs, untraceableOptions } from './python-command';
import type { LabSettings } from './settings';
import { parseTracerEvent, type Hello } from './tracer-protocol';
import type {
  TracerConnection,
  TracerConnectionHandlers,
  TracerServer,
  TracerSink,
} from './tracer-server';
import { killRun } from './kill-run';
import { Watchdog, type ProgramSpec, type SpawnFailure } from './watchdog';

/**
 * After a stop's grace period the watchdog kills what is left and has it reaped within ~2 s (its
 * KILL_SETTLE_S); past that much more, it cannot answer and Procscope ends the run itself.
 */
const STOP_SETTLE_MS = 2_500;

/** Processes of an ending run still talking after this long are not waited for. */
const CHANNEL_DRAIN_MS = 1_000;

export interface RunPlan {
  id: string;
  title: string;
  kind: RunKind;
  /** Interpreter options before `file` (kind python), as the user wrote them. */
  options: string[];
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string | null>;
  stepMode: boolean;
  /** The run's interpreter (kind python), or the one that runs the watchdog (kind exec). */
  python: PythonInfo;
  lesson?: LessonTag;
}

export interface RunDeps {
  server: TracerServer;
  settings: LabSettings;
  tracerRoot: string;
  tree: ProcessTreeReader;
  probe: ProcessProbe;
  cores?: CoreReader;
  onEvents(events: LabEvent[]): void;
  onSummary(summary: RunSummary): void;
  /** The program's output as it arrives, byte for byte (the CLI passes it through). */
  onOutput?(stream: 'stdout' | 'stderr', chunk: Buffer): void;
  /** Piped into the program's stdin (the CLI's own stdin). */
  stdin?: NodeJS.ReadableStream;
}

interface Pause {
  pid: number;
  pause: number;
}

export class LabRun implements TracerSink {
  private readonly t0 = process.hrtime.bigint();
  private readonly t0Ns = Number(this.t0);
  private readonly state: RunSummary;
  private readonly stream: RunEventStream;
  private readonly observer: RunObserver;
  private readonly token = randomBytes(16).toString('hex');
  private lastReportedDrops = 0;
  private watchdog: Watchdog | undefined;
  private unregister: (() => void) | undefined;
  private readonly tracers = new Map<number, TracerConnection>();
  private readonly attribution: OutputAttribution;
  /** Pids that said hello, and Python processes seen by the OS or started by a tracer. */
  private readonly attached = new Set<number>();
  private readonly pythonsSeen = new Map<number, string[]>();
  private readonly exitsReported = new Set<string>();
  private acceptFailure: string | undefined;
  private openChannels = 0;
  private channelsDrained: (() => void) | undefined;
  private pauses: Pause[] = [];
  private stopRequested = false;
  private stopDeadline: NodeJS.Timeout | undefined;
  /** The watchdog was still there at the stop deadline, and the run was killed without it. */
  private watchdogUnresponsive = false;
  private scriptError: string | null = null;
  private rootStatus: ExitStatus | undefined;
  private finishing = false;
  private finished = false;
  private readonly started: Deferred<void> = deferred();
  private readonly ended: Deferred<RunSummary> = deferred();

  constructor(
    private readonly plan: RunPlan,
    private readonly deps: RunDeps,
  ) {
    this.stream = new RunEventStream(deps.settings, (events) => this.deliver(events));
    this.attribution = new OutputAttribution(
      (pid, stream, chunk, at) => this.stream.write(pid, stream, chunk, Math.round(at * 1000)),
      deps.settings.outputHoldMs,
      () => this.now() / 1000,
    );
    this.observer = new RunObserver({
      tree: deps.tree,
      probe: deps.probe,
      cores: deps.cores,
      intervalMs: deps.settings.sampleIntervalMs,
      now: () => this.now(),
      emit: (event) => this.observed(event),
    });
    this.state = {
      id: plan.id,
      title: plan.title,
      kind: plan.kind,
      command:
        plan.kind === 'python'
          ? [path.basename(plan.python.path), ...plan.options, plan.file, ...plan.args]
          : [plan.file, ...plan.args],
      cwd: plan.cwd,
      state: 'starting',
      rootPid: null,
      exitCode: null,
      signal: null,
      error: null,
      startedAt: Date.now(),
      endedAt: null,
      stepMode: plan.stepMode,
      python: plan.kind === 'python' ? plan.python : null,
      droppedOutputBytes: 0,
      droppedEvents: 0,
      lastSeq: 0,
      ...(plan.lesson ? { lesson: plan.lesson } : {}),
    };
    this.stream.append({
      kind: 'run.started',
      t: 0,
      command: this.state.command,
      cwd: plan.cwd,
      stepMode: plan.stepMode,
    });
  }

  /** Resolves once the program runs, or has failed to start (see summary().state). */
  async start(): Promise<RunSummary> {
    this.deps.onSummary(this.summary());
    // Every run is traced wherever Python starts in it: the program itself, or a Python that
    // an observed program (a shell, env, make) starts.
    this.unregister = this.deps.server.register(this.token, this);
    const program = this.program(await this.deps.server.port());
    const watchdog = new Watchdog(
      this.plan.python.path,
      path.join(this.deps.tracerRoot, 'procscope_watchdog.py'),
      program,
      {
        spawned: (pid, ns) => this.onSpawned(pid, program.argv, this.fromTracer(ns)),
        spawnFailed: (failure) => this.onSpawnFailed(failure),
        exited: (status, ns) => this.onRootExited(status, this.fromTracer(ns)),
        closed: () => void this.finish(),
      },
    );
    this.watchdog = watchdog;
    this.deps.stdin?.pipe(watchdog.stdin);
    this.readPipe(watchdog.stdout, 'stdout');
    this.readPipe(watchdog.stderr, 'stderr');
    await this.started.promise;
    return this.summary();
  }

  summary(): RunSummary {
    return {
      ...this.state,
      droppedOutputBytes: this.stream.droppedOutputBytes,
      droppedEvents: this.stream.droppedEvents,
      lastSeq: this.stream.lastSeq,
      inputOpen: this.inputOpen(),
    };
  }

  private inputOpen(): boolean {
    const stdin = this.watchdog?.stdin;
    return !this.finished && stdin !== undefined && !stdin.writableEnded && !stdin.destroyed;
  }

  get isLive(): boolean {
    return !this.finished;
  }

  whenEnded(): Promise<RunSummary> {
    return this.ended.promise;
  }

  events(sinceSeq?: number): LabEvent[] {
    return this.stream.since(sinceSeq);
  }

  /** Text for the program's stdin, as if typed; with `eof`, its end follows (Ctrl-D). */
  input(text: string, eof: boolean): void {
    const stdin = this.openStdin();
    if (text) stdin.write(text);
    if (eof) stdin.end();
    this.stream.appendAfterOutput({ kind: 'input', t: this.now(), text, eof });
    if (eof) this.deps.onSummary(this.summary());
  }

  /**
   * Nobody reads the program's stdout or stderr any more (the CLI's own stdout was closed, as
   * by `| head`): the pipe is closed, so the program's next write fails as it would plainly.
   */
  closeOutput(stream: 'stdout' | 'stderr'): void {
    this.watchdog?.closeOutput(stream);
  }

  /**
   * SIGTERM to the whole run, SIGKILL after graceMs — by the watchdog. Should it not have ended
   * the run by the deadline (it was suspended, or hangs), Procscope kills the run itself: the
   * answer never waits on a helper that cannot give it.
   */
  stop(graceMs: number): Promise<RunSummary> {
    if (!this.finished) {
      this.stopRequested = true;
      if (this.state.rootPid !== null) this.watchdog?.stop(graceMs);
      this.stopDeadline ??= setTimeout(() => void this.forceEnd(), graceMs + STOP_SETTLE_MS);
    }
    return this.ended.promise;
  }

  signal(pid: number, action: RunSignal): void {
    if (!this.observer.has(pid)) {
      throw new ProcscopeError('not-found', `Process ${pid} is not a live process of this run.`);
    }
    try {
      process.kill(pid, action === 'kill' ? 'SIGKILL' : 'SIGTERM');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ESRCH') throw new ProcscopeError('gone', `Process ${pid} has already exited.`);
      if (code === 'EPERM') {
        throw new ProcscopeError('permission-denied', `Not allowed to signal process ${pid}.`);
      }
      throw error;
    }
  }

  step(action: StepAction): void {
    if (action === 'continue') {
      this.setStepMode(false);
      return;
    }
    const oldest = this.pauses.shift();
    if (oldest) this.tracers.get(oldest.pid)?.send({ op: 'resume', pause: oldest.pause });
  }

  setStepMode(on: boolean): void {
    if (this.state.stepMode === on) return;
    this.state.stepMode = on;
    for (const connection of this.tracers.values()) connection.send({ op: 'mode', step: on });
    this.deps.onSummary(this.summary());
  }

  // -- TracerSink -------------------------------------------------------------------------------

  attach(hello: Hello, connection: TracerConnection): TracerConnectionHandlers {
    const { pid } = hello;
    this.openChannels += 1;
    this.attached.add(pid);
    this.tracers.set(pid, connection);
    connection.send({ op: 'mode', step: this.state.stepMode });
    this.observer.noteProcess(pid, hello.ppid, [hello.exe, ...hello.argv]);
    this.stream.append({
      kind: 'tracer.attached',
      t: this.fromTracer(hello.t),
      pid,
      tid: hello.tid,
      ppid: hello.ppid,
      python: hello.python,
      executable: hello.exe,
      argv: hello.argv,
      role: hello.role,
    });
    const protocolError = (reason: string): void =>
      this.stream.append({
        kind: 'tracer.error',
        t: this.now(),
        pid,
        where: 'protocol',
        message: `process ${pid} sent ${reason}; it was ignored`,
      });
    return {
      message: (value) => {
        for (const raw of Array.isArray(value) ? value : [value]) {
          const event = parseTracerEvent(raw, pid, (ns) => this.fromTracer(ns));
          if (typeof event === 'string') protocolError(event);
          else this.onTracerEvent(event);
        }
      },
      output: (stream, count, crc) => this.attribution.notice(pid, stream, count, crc),
      malformed: protocolError,
      closed: () => {
        // The kernel closes a process's sockets when it exits: look now, not at the next tick.
        this.observer.refresh();
        if (this.tracers.get(pid) === connection) this.tracers.delete(pid);
        this.pauses = this.pauses.filter((pause) => pause.pid !== pid);
        this.channelClosed();
      },
    };
  }

  acceptFailed(reason: string): void {
    if (this.acceptFailure === undefined) {
      // Said at once, counted at the end: which processes it was is known only then.
      this.stream.append({
        kind: 'tracer.error',
        t: this.now(),
        where: 'attach',
        message: `A process of this run could not be traced: ${reason}.`,
      });
    }
    this.acceptFailure = reason;
  }

  // -- lifecycle --------------------------------------------------------------------------------

  private program(port: number): ProgramSpec {
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(process.env)) {
      // A Procscope running inside a traced run must not hand its own tracer settings down.
      if (value !== undefined && !name.startsWith('PROCSCOPE_')) env[name] = value;
    }
    for (const [name, value] of Object.entries(this.plan.env)) {
      if (value === null) delete env[name];
      else env[name] = value;
    }
    const { settings, tracerRoot } = this.deps;
    // Nothing else changes in the program's environment: no PYTHONUNBUFFERED, no encoding.
    // Windows is the exception: a console there is UTF-8 for Python, a pipe is not.
    if (settings.console && process.platform === 'win32') env.PYTHONIOENCODING ??= 'utf-8';
    const argv =
      this.plan.kind === 'python'
        ? [this.plan.python.path, ...this.plan.options, this.plan.file, ...this.plan.args]
        : [this.plan.file, ...this.plan.args];
    if (!settings.trace) return { argv, cwd: this.plan.cwd, env, traced: false };
    Object.assign(env, {
      PYTHONPATH: [tracerRoot, env.PYTHONPATH].filter(Boolean).join(path.delimiter),
      PROCSCOPE_TRACE: '1',
      PROCSCOPE_ADDR: `127.0.0.1:${port}`,
      PROCSCOPE_TOKEN: this.token,
      PROCSCOPE_STEP: this.state.stepMode ? '1' : '0',
      PROCSCOPE_CONSOLE: settings.console ? '1' : '0',
      PROCSCOPE_IPC_LIMIT: String(settings.ipcEventLimit),
      PROCSCOPE_TASK_LIMIT: String(settings.taskEventLimit),
    });
    return { argv, cwd: this.plan.cwd, env, traced: true };
  }

  private onSpawned(pid: number, argv: string[], t: number): void {
    this.state.rootPid = pid;
    this.setState('running');
    this.observer.start(pid, this.watchdog?.pid ?? process.pid, argv, t);
    if (this.stopRequested) this.watchdog?.stop(this.deps.settings.stopTimeoutMs);
    this.started.resolve();
  }

  private onSpawnFailed(failure: SpawnFailure): void {
    if (failure.stage === 'exec') {
      // As a shell says it, with the status a shell gives: 127 not found, 126 not runnable.
      const program = this.plan.kind === 'python' ? this.plan.python.path : this.plan.file;
      const notFound = failure.errno === os.constants.errno.ENOENT;
      const bare = !program.includes('/') && !program.includes(path.sep);
      this.state.exitCode = notFound ? 127 : 126;
      this.state.error =
        notFound && bare
          ? `${program}: command not found`
          : `${program}: ${failure.message.replace(/^.*?: /, '')}`;
    } else {
      this.state.error = failure.message;
    }
    this.setState('failed');
    this.started.resolve();
  }

  private onRootExited(status: ExitStatus, t: number): void {
    this.rootStatus = status;
    this.state.exitCode = status.code;
    this.state.signal = status.signal;
    this.observer.rootExited(status, t);
    // The watchdog clears whatever is left of the group, then exits: finish() follows.
    this.watchdog?.release();
  }

  private async forceEnd(): Promise<void> {
    const watchdog = this.watchdog;
    if (this.finishing || !watchdog?.running || watchdog.pid === undefined) return;
    this.watchdogUnresponsive = true;
    await killRun(this.deps.tree, watchdog.pid, this.state.rootPid, this.observer.pids());
    await this.finish();
  }

  private async finish(): Promise<void> {
    if (this.finishing) return;
    this.finishing = true;
    clearTimeout(this.stopDeadline);
    const { rootPid } = this.state;
    if (this.watchdogUnresponsive) {
      this.state.error =
        "The run's watchdog did not answer (it may have been suspended); Procscope killed the run's processes itself.";
    } else if (this.state.state !== 'failed' && !this.rootStatus) {
      // The watchdog died: before starting the program, or with it still running, in which
      // case nothing holds the lifeline any more.
      if (rootPid !== null) this.watchdog?.killGroup(rootPid);
      this.state.error =
        rootPid === null
          ? "The run's watchdog exited before starting the program."
          : "The run's watchdog exited unexpectedly; the run was killed.";
      this.setState('failed');
    }
    // Every process of the run is gone; a tracer that connected just before its process ended
    // may not have been heard yet.
    await this.deps.server.settled();
    await this.channelsClosed();
    if (this.watchdog) this.deps.stdin?.unpipe(this.watchdog.stdin);
    this.unregister?.();
    this.attribution.finish();
    this.reportUntraced();
    // Processes that left the run's group (setsid) escaped the watchdog's kill: end them too.
    for (const pid of this.observer.pids()) killQuietly(pid);
    await this.observer.stop();
    const final: RunState =
      this.state.state === 'failed'
        ? 'failed'
        : this.stopRequested
          ? 'stopped'
          : this.scriptError !== null
            ? 'failed'
            : 'exited';
    if (final === 'failed' && this.state.error === null) this.state.error = this.scriptError;
    this.state.state = final;
    this.state.endedAt = Date.now();
    this.stream.close({
      kind: 'run.ended',
      t: this.now(),
      state: final,
      exitCode: this.state.exitCode,
      signal: this.state.signal,
      error: this.state.error,
    });
    this.finished = true;
    this.started.resolve();
    const summary = this.summary();
    this.deps.onSummary(summary);
    this.ended.resolve(summary);
  }

  private onTracerEvent(event: LabEventInput): void {
    switch (event.kind) {
      case 'mp.exit':
        // Once per Process object: the child's own report, or its parent's observation.
        if (this.exitsReported.has(event.proc)) return;
        this.exitsReported.add(event.proc);
        if (event.childPid !== null) {
          this.observer.hintExit(event.childPid, exitStatus(event.exitCode));
        }
        break;
      case 'mp.started':
        // The child exists from here on, whether or not its own tracer has said hello yet.
        this.pythonsSeen.set(event.childPid, []);
        this.observer.noteProcess(event.childPid, event.pid ?? 0, []);
        break;
      case 'step.paused':
        this.pauses.push({ pid: event.pid, pause: event.pause });
        break;
      case 'step.resumed':
        this.pauses = this.pauses.filter((p) => p.pid !== event.pid || p.pause !== event.pause);
        break;
      case 'script.error':
        if (event.phase !== 'run') this.scriptError = event.message;
        break;
      default:
        break;
    }
    this.stream.append(event);
  }

  // -- plumbing ---------------------------------------------------------------------------------

  private deliver(events: LabEvent[]): void {
    this.deps.onEvents(events);
    // A summary update when drops grow, so the UI can say output is being dropped.
    const drops = this.stream.droppedOutputBytes + this.stream.droppedEvents;
    if (drops !== this.lastReportedDrops && !this.finished) {
      this.lastReportedDrops = drops;
      this.deps.onSummary(this.summary());
    }
  }

  private readPipe(stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr'): void {
    stream.on('data', (chunk: Buffer) => {
      this.deps.onOutput?.(name, chunk);
      this.attribution.pipeData(name, chunk);
    });
    // Destroyed by closeOutput(): whatever is written from now on fails in the program.
    stream.on('error', () => undefined);
  }

  private openStdin(): NodeJS.WritableStream {
    const stdin = this.watchdog?.stdin;
    if (!stdin || this.finished) {
      throw new ProcscopeError('gone', 'The program has ended: there is nobody to read input.');
    }
    if (this.deps.stdin) {
      throw new ProcscopeError('invalid-params', "This run's input comes from elsewhere.");
    }
    if (!this.inputOpen()) {
      throw new ProcscopeError('invalid-params', "The program's input is already closed.");
    }
    return stdin;
  }

  /** The OS saw a process of the run: remember the Python ones, to tell which went untraced. */
  private observed(event: LabEventInput): void {
    if (event.kind === 'proc.appeared' && isPythonExecutable(event.command[0] ?? '')) {
      this.pythonsSeen.set(event.pid, event.command);
    }
    this.stream.append(event);
  }

  /** Python processes of the run that never said hello: never silently. */
  private reportUntraced(): void {
    const untraced = [...this.pythonsSeen].filter(([pid]) => !this.attached.has(pid));
    const byChoice = untraced.filter(
      ([, command]) => untraceableOptions(parsePythonArgs(command.slice(1)).options).length > 0,
    );
    const failed = untraced.filter((entry) => !byChoice.includes(entry));
    const count = (n: number): string => (n === 1 ? '1 process' : `${n} processes`);
    const pids = (entries: typeof untraced): string =>
      entries
        .slice(0, 10)
        .map(([pid]) => pid)
        .join(', ') + (entries.length > 10 ? ', …' : '');
    if (failed.length > 0) {
      const reason =
        this.acceptFailure ??
        (failed.length === 1 ? 'its tracer did not connect' : 'their tracers did not connect');
      this.stream.append({
        kind: 'tracer.error',
        t: this.now(),
        where: count(failed.length),
        message: `${count(failed.length)} could not be traced: ${reason} (pid ${pids(failed)}).`,
      });
    }
    if (byChoice.length > 0) {
      const options = [
        ...new Set(
          byChoice.flatMap(([, command]) =>
            untraceableOptions(parsePythonArgs(command.slice(1)).options),
          ),
        ),
      ];
      this.stream.append({
        kind: 'tracer.error',
        t: this.now(),
        where: count(byChoice.length),
        message: `${count(byChoice.length)} started Python with ${options.join(', ')}, which keeps Procscope's tracer out; observed only (pid ${pids(byChoice)}).`,
      });
    }
  }

  private channelClosed(): void {
    this.openChannels -= 1;
    if (this.openChannels === 0) this.channelsDrained?.();
  }

  private channelsClosed(): Promise<void> {
    if (this.openChannels === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, CHANNEL_DRAIN_MS);
      this.channelsDrained = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private setState(state: RunState): void {
    this.state.state = state;
    this.deps.onSummary(this.summary());
  }

  private now(): number {
    return Math.round(Number(process.hrtime.bigint() - this.t0) / 1000);
  }

  private fromTracer(monotonicNs: number): number {
    return Math.round((monotonicNs - this.t0Ns) / 1000);
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Process.exitcode to an exit status: negative means "killed by that signal". */
function exitStatus(exitCode: number): ExitStatus {
  return exitCode < 0
    ? { code: null, signal: signalName(-exitCode) }
    : { code: exitCode, signal: null };
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}
