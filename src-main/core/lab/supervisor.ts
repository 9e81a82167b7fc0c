// The Lab's backend: starts and supervises runs, and serves their summaries and event logs.
// Node only; the transport layer exposes it to the UI, the CLI drives it headless.

import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ProcscopeError } from '../../common/errors';
import {
  StartRunRequestSchema,
  type LabEvent,
  type PythonInfo,
  type RunSignal,
  type RunSummary,
  type StartRunRequest,
  type StepAction,
} from '../../common/lab';
import { probeProcesses, readCoreTimes } from '../system/probe';
import type { CoreReader, ProcessProbe } from './observer';
import { defaultTracerRoot } from './paths';
import { createProcessTreeReader, type ProcessTreeReader } from './process-tree';
import { findPython, precompile, PythonCache } from './interpreter';
import { LabRun } from './run';
import { DEFAULT_LAB_SETTINGS, type LabSettings } from './settings';
import { TracerServer } from './tracer-server';

export type { LabSettings } from './settings';

export interface LabSupervisorOptions {
  /** The directory holding procscope_tracer/, sitecustomize.py and procscope_watchdog.py. */
  tracerRoot?: string;
  /** Cumulative CPU of processes and threads; defaults to the platform sampler. */
  probe?: ProcessProbe;
  /** Cumulative per-core times of the machine; defaults to the platform sampler. */
  cores?: CoreReader;
  /** How run membership is read from the OS; defaults to this platform's reader. */
  tree?: ProcessTreeReader;
  settings?: Partial<LabSettings>;
  /** Where to remember interpreters found, between processes (the CLI's data folder). */
  pythonCacheFile?: string;
}

/** For callers in Node (the CLI): the program's stdin, and its output byte for byte. */
export interface RunIo {
  /** Piped into the program's stdin; its end is the program's end-of-file. */
  stdin?: NodeJS.ReadableStream;
  onOutput?(stream: 'stdout' | 'stderr', chunk: Buffer): void;
}

export type RunEventsListener = (runId: string, events: LabEvent[]) => void;
export type RunListener = (summary: RunSummary) => void;

export class LabSupervisor {
  private readonly tracerRoot: string;
  private readonly probe: ProcessProbe;
  private readonly cores: CoreReader;
  private readonly tree: ProcessTreeReader;
  private settings: LabSettings;
  private readonly server = new TracerServer();
  private readonly runsById = new Map<string, LabRun>();
  private readonly eventListeners = new Set<RunEventsListener>();
  private readonly runListeners = new Set<RunListener>();
  // Asking an interpreter for its version (and compiling the tracer for it) costs process
  // starts: once per interpreter.
  private readonly pythons = new Map<string, Promise<PythonInfo>>();
  private readonly pythonCache: PythonCache | undefined;
  private disposed = false;

  constructor(options: LabSupervisorOptions = {}) {
    this.tracerRoot = options.tracerRoot ?? defaultTracerRoot();
    this.probe = options.probe ?? ((pids) => probeProcesses(pids));
    this.cores = options.cores ?? (() => readCoreTimes());
    this.tree = options.tree ?? createProcessTreeReader();
    this.settings = { ...DEFAULT_LAB_SETTINGS, ...options.settings };
    this.pythonCache = options.pythonCacheFile
      ? new PythonCache(options.pythonCacheFile)
      : undefined;
  }

  updateSettings(settings: Partial<LabSettings>): void {
    this.settings = { ...this.settings, ...settings };
  }

  /** A Python 3.8+: `preferred`, else Settings' interpreter, else python3 / python / py -3. */
  findPython(preferred?: string): Promise<PythonInfo> {
    const key = preferred ?? this.settings.python ?? '';
    let found = this.pythons.get(key);
    if (!found) {
      const cached = this.pythonCache?.get(key);
      found = (cached ? Promise.resolve(cached) : findPython(key || undefined)).then(
        async (python) => {
          if (!cached) this.pythonCache?.set(key, python);
          await precompile(python, this.tracerRoot);
          return python;
        },
      );
      this.pythons.set(key, found);
      // A failure is not remembered: the user may install Python and try again.
      found.catch(() => this.pythons.delete(key));
    }
    return found;
  }

  /**
   * Start a run. Resolves once its program is running (or has failed to start: see `state`
   * and `error`); rejects only when there is nothing to run it with (no suitable Python).
   */
  async start(request: StartRunRequest, io: RunIo = {}): Promise<RunSummary> {
    this.assertLive();
    const parsed = StartRunRequestSchema.safeParse(request);
    if (!parsed.success) {
      throw new ProcscopeError(
        'invalid-params',
        `Invalid run request: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      );
    }
    const req = parsed.data;
    // kind 'exec' needs Python too: the watchdog that holds the run's lifeline is a script.
    const python = await this.findPython(req.python);
    this.assertLive(); // dispose() may have run while we looked for Python
    const id = randomUUID();
    const run = new LabRun(
      {
        id,
        title: req.title ?? path.basename(req.file),
        kind: req.kind,
        options: req.kind === 'python' ? req.options : [],
        file: req.file,
        args: req.args,
        cwd: path.resolve(req.cwd ?? process.cwd()),
        env: req.env ?? {},
        stepMode: req.stepMode ?? false,
        python,
        ...(req.lesson ? { lesson: req.lesson } : {}),
      },
      {
        server: this.server,
        settings: this.settings,
        tracerRoot: this.tracerRoot,
        tree: this.tree,
        probe: this.probe,
        cores: this.cores,
        onEvents: (events) => this.eventListeners.forEach((listener) => listener(id, events)),
        onSummary: (summary) => this.runListeners.forEach((listener) => listener(summary)),
        ...(io.onOutput ? { onOutput: io.onOutput } : {}),
        ...(io.stdin ? { stdin: io.stdin } : {}),
      },
    );
    this.runsById.set(id, run);
    this.forgetOldRuns();
    return run.start();
  }

  /** Graceful first (SIGTERM to the run's group), then SIGKILL. Resolves when the run has ended. */
  stop(runId: string, graceMs = this.settings.stopTimeoutMs): Promise<RunSummary> {
    return this.get(runId).stop(graceMs);
  }

  /** Signal one process of a run. */
  signal(runId: string, pid: number, action: RunSignal): void {
    this.get(runId).signal(pid, action);
  }

  /** Text for the program's stdin, as typed; `eof` then closes it. */
  input(runId: string, text: string | undefined, eof = false): void {
    this.get(runId).input(text ?? '', eof);
  }

  /** Stop reading one of the program's output pipes: its next write there fails (EPIPE). */
  closeOutput(runId: string, stream: 'stdout' | 'stderr'): void {
    this.get(runId).closeOutput(stream);
  }

  /** 'step' lets the oldest paused call proceed; 'continue' ends step mode and releases all. */
  step(runId: string, action: StepAction): void {
    this.get(runId).step(action);
  }

  setStepMode(runId: string, on: boolean): void {
    this.get(runId).setStepMode(on);
  }

  runs(): RunSummary[] {
    return [...this.runsById.values()].map((run) => run.summary());
  }

  run(runId: string): RunSummary {
    return this.get(runId).summary();
  }

  /** The retained log, or the part of it after `sinceSeq`. */
  events(runId: string, sinceSeq?: number): LabEvent[] {
    return this.get(runId).events(sinceSeq);
  }

  waitForEnd(runId: string): Promise<RunSummary> {
    return this.get(runId).whenEnded();
  }

  /** Forget an ended run. */
  remove(runId: string): void {
    if (this.get(runId).isLive) {
      throw new ProcscopeError('invalid-params', 'A run must end before it can be removed.');
    }
    this.runsById.delete(runId);
  }

  /** New events of every run, in batches (at most one call per run per batch period). */
  onEvents(listener: RunEventsListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** A run's summary, whenever its state changes. */
  onRun(listener: RunListener): () => void {
    this.runListeners.add(listener);
    return () => this.runListeners.delete(listener);
  }

  /** Stop every run, wait for their ends, close the tracer server: nothing is left behind. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const live = [...this.runsById.values()].filter((run) => run.isLive);
    await Promise.all(live.map((run) => run.stop(this.settings.stopTimeoutMs)));
    await this.server.close();
    this.eventListeners.clear();
    this.runListeners.clear();
  }

  private get(runId: string): LabRun {
    const run = this.runsById.get(runId);
    if (!run) throw new ProcscopeError('not-found', `There is no run ${runId}.`);
    return run;
  }

  private assertLive(): void {
    if (this.disposed) throw new ProcscopeError('unavailable', 'The Lab supervisor has shut down.');
  }

  private forgetOldRuns(): void {
    const ended = [...this.runsById.entries()].filter(([, run]) => !run.isLive);
    for (const [id] of ended.slice(0, Math.max(0, ended.length - this.settings.keepEndedRuns))) {
      this.runsById.delete(id);
    }
  }
}
