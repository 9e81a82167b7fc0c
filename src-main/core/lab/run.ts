// One run: its program (through the watchdog), the tracers of its Python processes, the OS view
// of its process tree, and its log. Everything that happens to the run becomes an event here,
// numbered by the log and handed to listeners in batches.

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type net from 'node:net';
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
import { signalName, type ExitStatus, type ProcessTreeReader } from './process-tree';
import type { LabSettings } from './settings';
import { parseTracerEvent, type Hello } from './tracer-protocol';
import type {
  TracerConnection,
  TracerConnectionHandlers,
  TracerServer,
  TracerSink,
} from './tracer-server';
import { Watchdog, type ProgramSpec } from './watchdog';

/** Processes of an ending run still talking after this long are not waited for. */
const CHANNEL_DRAIN_MS = 1_000;

export interface RunPlan {
  id: string;
  title: string;
  kind: RunKind;
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
  private openChannels = 0;
  private channelsDrained: (() => void) | undefined;
  private pauses: Pause[] = [];
  private stopRequested = false;
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
    this.observer = new RunObserver({
      tree: deps.tree,
      probe: deps.probe,
      cores: deps.cores,
      intervalMs: deps.settings.sampleIntervalMs,
      now: () => this.now(),
      emit: (event) => this.stream.append(event),
    });
    this.state = {
      id: plan.id,
      title: plan.title,
      kind: plan.kind,
      command:
        plan.kind === 'python'
          ? [path.basename(plan.python.path), plan.file, ...plan.args]
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
    let port = 0;
    if (this.plan.kind === 'python') {
      this.unregister = this.deps.server.register(this.token, this);
      port = await this.deps.server.port();
    }
    const program = this.program(port);
    const watchdog = new Watchdog(
      this.plan.python.path,
      path.join(this.deps.tracerRoot, 'procscope_watchdog.py'),
      program,
      {
        spawned: (pid, ns) => this.onSpawned(pid, program.argv, this.fromTracer(ns)),
        spawnFailed: (message) => this.onSpawnFailed(message),
        exited: (status, ns) => this.onRootExited(status, this.fromTracer(ns)),
        closed: () => void this.finish(),
      },
    );
    this.watchdog = watchdog;
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
    };
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

  stop(graceMs: number): Promise<RunSummary> {
    if (!this.finished) {
      this.stopRequested = true;
      if (this.state.rootPid !== null) this.watchdog?.stop(graceMs);
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

  attachEvents(hello: Hello, connection: TracerConnection): TracerConnectionHandlers {
    const { pid } = hello;
    this.openChannels += 1;
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

  attachOutput(hello: Hello, socket: net.Socket, head: Buffer): void {
    const stream = hello.ch === 'stderr' ? 'stderr' : 'stdout';
    this.openChannels += 1;
    const write = (chunk: Buffer): void => this.stream.write(hello.pid, stream, chunk, this.now());
    if (head.length > 0) write(head);
    socket.on('data', write);
    socket.on('error', () => socket.destroy());
    socket.once('close', () => {
      this.stream.endOutput(hello.pid, stream);
      this.channelClosed();
    });
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
    // Output is read live: a block-buffered Python would hold it back until exit.
    env.PYTHONUNBUFFERED = '1';
    env.PYTHONIOENCODING = 'utf-8';
    if (this.plan.kind === 'exec') {
      return { argv: [this.plan.file, ...this.plan.args], cwd: this.plan.cwd, env };
    }
    const { settings, tracerRoot } = this.deps;
    Object.assign(env, {
      PYTHONPATH: [tracerRoot, env.PYTHONPATH].filter(Boolean).join(path.delimiter),
      PROCSCOPE_TRACE: '1',
      PROCSCOPE_ADDR: `127.0.0.1:${port}`,
      PROCSCOPE_TOKEN: this.token,
      PROCSCOPE_ROLE: 'main',
      PROCSCOPE_STEP: this.state.stepMode ? '1' : '0',
      PROCSCOPE_IPC_LIMIT: String(settings.ipcEventLimit),
      PROCSCOPE_TASK_LIMIT: String(settings.taskEventLimit),
    });
    const argv = [this.plan.python.path, '-X', 'utf8', '-u', '-m', 'procscope_tracer'];
    return { argv: [...argv, this.plan.file, ...this.plan.args], cwd: this.plan.cwd, env };
  }

  private onSpawned(pid: number, argv: string[], t: number): void {
    this.state.rootPid = pid;
    this.setState('running');
    this.observer.start(pid, this.watchdog?.pid ?? process.pid, argv, t);
    if (this.stopRequested) this.watchdog?.stop(this.deps.settings.stopTimeoutMs);
    this.started.resolve();
  }

  private onSpawnFailed(message: string): void {
    this.state.error = message;
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

  private async finish(): Promise<void> {
    if (this.finishing) return;
    this.finishing = true;
    const { rootPid } = this.state;
    if (this.state.state !== 'failed' && !this.rootStatus) {
      // The watchdog died: before starting the program, or with it still running, in which
      // case nothing holds the lifeline any more.
      if (rootPid !== null) this.watchdog?.killGroup(rootPid);
      this.state.error =
        rootPid === null
          ? "The run's watchdog exited before starting the program."
          : "The run's watchdog exited unexpectedly; the run was killed.";
      this.setState('failed');
    }
    await this.channelsClosed();
    this.unregister?.();
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
        if (event.childPid !== null) {
          this.observer.hintExit(event.childPid, exitStatus(event.exitCode));
        }
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
    // Bytes on the run's own pipes come from processes without a tracer of their own.
    stream.on('data', (chunk: Buffer) => this.stream.write(undefined, name, chunk, this.now()));
    stream.on('end', () => this.stream.endOutput(undefined, name));
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
