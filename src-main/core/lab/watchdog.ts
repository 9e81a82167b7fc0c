// The supervisor's end of a run's watchdog (python/procscope_watchdog.py, where the design is
// explained). The watchdog is started without a shell, with the program's stdin, stdout and
// stderr pipes (which it passes on to the program) and the lifeline socket on fd 3.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Duplex, PassThrough } from 'node:stream';
import { z } from 'zod';
import { trackHelper } from '../helpers';
import type { ExitStatus } from './process-tree';

// `t`: the watchdog's monotonic clock (ns) when it happened, the clock tracers use too.
const ReportSchema = z.discriminatedUnion('ev', [
  z.object({ ev: z.literal('fifos') }),
  z.object({ ev: z.literal('spawned'), pid: z.number().int().positive(), t: z.number() }),
  z.object({
    ev: z.literal('spawn-failed'),
    message: z.string(),
    errno: z.number().int().optional(),
    stage: z.enum(['cwd', 'exec']).optional(),
  }),
  z.object({
    ev: z.literal('exit'),
    code: z.number().int().nullable(),
    signal: z.string().nullable(),
    t: z.number(),
  }),
]);

const PIPE_DRAIN_MS = 2_000;
const STREAMS = ['stdin', 'stdout', 'stderr'] as const;

export interface ProgramSpec {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** Add what the tracer needs from the watchdog (its pid, the output pipes) to env. */
  traced: boolean;
}

/** Why the program did not start: the system's words, and which step failed with which errno. */
export interface SpawnFailure {
  message: string;
  /** 'cwd': the folder could not be entered; 'exec': the program could not be run. */
  stage: 'cwd' | 'exec' | 'watchdog';
  errno: number;
}

export interface WatchdogHandlers {
  spawned(pid: number, monotonicNs: number): void;
  spawnFailed(failure: SpawnFailure): void;
  /** The program (the run's root process) exited. */
  exited(status: ExitStatus, monotonicNs: number): void;
  /** The watchdog is gone and every holder of the output pipes has closed them. */
  closed(): void;
}

export class Watchdog {
  /** The program's stdin: what is written here it reads; end() is its end-of-file. */
  readonly stdin = new PassThrough();
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  private readonly child: ChildProcess;
  private readonly lifeline: Duplex;
  /** POSIX: the folder of the program's FIFOs, and the supervisor's ends once opened. */
  private readonly fifoFolder: string | undefined;
  private readonly fifoEnds: Partial<Record<(typeof STREAMS)[number], net.Socket>> = {};
  /** Output FIFOs opened but not read yet: a net.Socket would start reading at once. */
  private readonly fifoFds: Partial<Record<'stdout' | 'stderr', number>> = {};
  private released = false;

  constructor(python: string, script: string, program: ProgramSpec, handlers: WatchdogHandlers) {
    // The program's stdio are FIFOs the watchdog makes (see procscope_watchdog.py); on Windows
    // the watchdog's own pipes, which it passes on.
    const fifos = process.platform !== 'win32';
    this.fifoFolder = fifos ? mkdtempSync(path.join(tmpdir(), 'procscope-run-')) : undefined;
    // -I -S: no PYTHON* variables and no site, so the watchdog is never traced and starts fast.
    this.child = trackHelper(
      spawn(python, ['-I', '-S', script, ...(this.fifoFolder ? [this.fifoFolder] : [])], {
        stdio: fifos ? ['ignore', 'ignore', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe', 'pipe'],
        windowsHide: true,
      }),
      'the watchdog of a Lab run (stop the run in the Lab instead)',
    );
    const [stdin, stdout, stderr, lifeline] = this.child.stdio;
    if (!stderr || !(lifeline instanceof Duplex)) {
      throw new Error('the watchdog was started without its pipes');
    }
    // A program that exits without reading all of it closes the pipe: not an error of ours.
    this.stdin.on('error', () => undefined);
    if (fifos) {
      // The watchdog's own complaints, if it has any, belong with the run's stderr.
      stderr.pipe(this.stderr, { end: false });
    } else if (stdin && stdout) {
      stdin.on('error', () => undefined);
      this.stdin.pipe(stdin);
      stdout.pipe(this.stdout);
      stderr.pipe(this.stderr);
    }
    this.lifeline = lifeline;
    let buffered = '';
    lifeline.setEncoding('utf8');
    lifeline.on('data', (chunk: string) => {
      buffered += chunk;
      for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
        const report = parseReport(buffered.slice(0, end));
        buffered = buffered.slice(end + 1);
        if (report?.ev === 'fifos') {
          this.openFifos();
          this.send(program);
        } else if (report?.ev === 'spawned') {
          this.readFifos();
          handlers.spawned(report.pid, report.t);
        } else if (report?.ev === 'spawn-failed') {
          this.closeFifos();
          handlers.spawnFailed({
            message: report.message,
            stage: report.stage ?? 'exec',
            errno: report.errno ?? 0,
          });
        } else if (report?.ev === 'exit') {
          handlers.exited({ code: report.code, signal: report.signal }, report.t);
        }
      }
    });
    // A broken lifeline while the supervisor lives means the watchdog died: 'close' says so.
    lifeline.on('error', () => undefined);
    this.child.on('error', (error) =>
      handlers.spawnFailed({
        message: `could not start the watchdog: ${error.message}`,
        stage: 'watchdog',
        errno: 0,
      }),
    );
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      this.closeFifos();
      if (this.fifoFolder) rmSync(this.fifoFolder, { recursive: true, force: true });
      handlers.closed();
    };
    // Closed means: the watchdog is gone and every holder of the output pipes has closed them.
    let pending = 3;
    const oneClosed = (): void => {
      if (--pending === 0) close();
    };
    this.child.on('close', oneClosed);
    this.stdout.on('close', oneClosed);
    this.stderr.on('close', oneClosed);
    // A process that left the run's group (setsid) may hold the output pipes forever: once the
    // watchdog is gone, stop waiting after a while.
    this.child.on('exit', () => {
      if (!this.fifoEnds.stdout) this.closeFifos(); // it never got as far as the program
      setTimeout(() => {
        this.closeOutput('stdout');
        this.closeOutput('stderr');
        close();
      }, PIPE_DRAIN_MS).unref();
    });
    if (!fifos) this.send(program);
  }

  /** Stop reading one of the program's output pipes: its next write there fails (EPIPE). */
  closeOutput(stream: 'stdout' | 'stderr'): void {
    this.fifoEnds[stream]?.destroy();
    this[stream].destroy();
  }

  private openFifos(): void {
    const folder = this.fifoFolder as string;
    // The supervisor's ends first, non-blocking, so that the watchdog's open() of the other
    // end returns at once. stdin is opened read-write: a writer end that needs no reader yet.
    const flags = {
      stdin: constants.O_RDWR | constants.O_NONBLOCK,
      stdout: constants.O_RDONLY | constants.O_NONBLOCK,
      stderr: constants.O_RDONLY | constants.O_NONBLOCK,
    };
    // Written to only once the program holds the other end: a FIFO whose last end closes loses
    // what it held, and input that arrived early is kept by this.stdin meanwhile.
    this.socket(openSync(path.join(folder, 'stdin'), flags.stdin), 'stdin');
    for (const name of ['stdout', 'stderr'] as const) {
      this.fifoFds[name] = openSync(path.join(folder, name), flags[name]);
    }
  }

  /** Read the output only once the program holds its end: a FIFO without a writer reads as EOF. */
  private readFifos(): void {
    if (this.fifoEnds.stdin) this.stdin.pipe(this.fifoEnds.stdin);
    for (const name of ['stdout', 'stderr'] as const) {
      const fd = this.fifoFds[name];
      if (fd === undefined) continue;
      delete this.fifoFds[name];
      this.socket(fd, name).pipe(this[name]);
    }
  }

  private socket(fd: number, name: (typeof STREAMS)[number]): net.Socket {
    const socket = new net.Socket({ fd, readable: name !== 'stdin', writable: name === 'stdin' });
    socket.on('error', () => undefined);
    this.fifoEnds[name] = socket;
    return socket;
  }

  private closeFifos(): void {
    for (const name of STREAMS) this.fifoEnds[name]?.destroy();
    for (const name of ['stdout', 'stderr'] as const) {
      const fd = this.fifoFds[name];
      delete this.fifoFds[name];
      if (fd !== undefined) closeSync(fd);
    }
    if (!this.stdout.writableEnded) this.stdout.end();
    if (!this.stderr.writableEnded) this.stderr.end();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The watchdog process has not exited (it may still be unable to answer: suspended). */
  get running(): boolean {
    return (
      this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  /** SIGTERM the run's process group, then SIGKILL what is left after graceMs. */
  stop(graceMs: number): void {
    this.send({ op: 'stop', graceMs });
  }

  /** The run is over: cut the lifeline; the watchdog clears what is left of the group and exits. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.lifeline.end();
  }

  /** The watchdog itself died: nothing holds the lifeline, kill the group directly. */
  killGroup(rootPid: number): void {
    try {
      process.kill(process.platform === 'win32' ? rootPid : -rootPid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  private send(message: object): void {
    if (!this.released) this.lifeline.write(`${JSON.stringify(message)}\n`);
  }
}

function parseReport(line: string): z.infer<typeof ReportSchema> | undefined {
  try {
    const parsed = ReportSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
