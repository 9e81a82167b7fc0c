// The supervisor's end of a run's watchdog (python/procscope_watchdog.py, where the design is
// explained). The watchdog is started without a shell, with the program's stdout/stderr pipes
// (which it passes on to the program) and the lifeline socket on fd 3.

import { spawn, type ChildProcess } from 'node:child_process';
import { Duplex, type Readable } from 'node:stream';
import { z } from 'zod';
import type { ExitStatus } from './process-tree';

// `t`: the watchdog's monotonic clock (ns) when it happened, the clock tracers use too.
const ReportSchema = z.discriminatedUnion('ev', [
  z.object({ ev: z.literal('spawned'), pid: z.number().int().positive(), t: z.number() }),
  z.object({ ev: z.literal('spawn-failed'), message: z.string() }),
  z.object({
    ev: z.literal('exit'),
    code: z.number().int().nullable(),
    signal: z.string().nullable(),
    t: z.number(),
  }),
]);

const PIPE_DRAIN_MS = 2_000;

export interface ProgramSpec {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface WatchdogHandlers {
  spawned(pid: number, monotonicNs: number): void;
  spawnFailed(message: string): void;
  /** The program (the run's root process) exited. */
  exited(status: ExitStatus, monotonicNs: number): void;
  /** The watchdog is gone and every holder of the output pipes has closed them. */
  closed(): void;
}

export class Watchdog {
  readonly stdout: Readable;
  readonly stderr: Readable;
  private readonly child: ChildProcess;
  private readonly lifeline: Duplex;
  private released = false;

  constructor(python: string, script: string, program: ProgramSpec, handlers: WatchdogHandlers) {
    // -I -S: no PYTHON* variables and no site, so the watchdog is never traced and starts fast.
    this.child = spawn(python, ['-I', '-S', script], {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const [, stdout, stderr, lifeline] = this.child.stdio;
    if (!stdout || !stderr || !(lifeline instanceof Duplex)) {
      throw new Error('the watchdog was started without its pipes');
    }
    this.stdout = stdout;
    this.stderr = stderr;
    this.lifeline = lifeline;
    let buffered = '';
    lifeline.setEncoding('utf8');
    lifeline.on('data', (chunk: string) => {
      buffered += chunk;
      for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
        const report = parseReport(buffered.slice(0, end));
        buffered = buffered.slice(end + 1);
        if (report?.ev === 'spawned') handlers.spawned(report.pid, report.t);
        else if (report?.ev === 'spawn-failed') handlers.spawnFailed(report.message);
        else if (report?.ev === 'exit') {
          handlers.exited({ code: report.code, signal: report.signal }, report.t);
        }
      }
    });
    // A broken lifeline while the supervisor lives means the watchdog died: 'close' says so.
    lifeline.on('error', () => undefined);
    this.child.on('error', (error) =>
      handlers.spawnFailed(`could not start the watchdog: ${error.message}`),
    );
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      handlers.closed();
    };
    this.child.on('close', close);
    // 'close' waits for every holder of the output pipes. A process that left the run's group
    // (setsid) may hold them forever: once the watchdog is gone, stop waiting after a while.
    this.child.on('exit', () => {
      setTimeout(() => {
        stdout.destroy();
        stderr.destroy();
        close();
      }, PIPE_DRAIN_MS).unref();
    });
    this.send(program);
  }

  get pid(): number | undefined {
    return this.child.pid;
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
