// One long-lived shell answering requests over stdin/stdout. Starting PowerShell costs hundreds of
// milliseconds of CPU, far more than the query itself, so Windows keeps one open for the life of
// the sampler. Requests are one line each and answered strictly in order; the shell prints an end
// marker after each answer, which is how a reply is told apart from the next one.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { trackHelper } from '../helpers';
import type { Socket } from 'node:net';

export interface ShellDialect {
  command: string;
  args: string[];
  /** Sent once after start (encoding, preferences). */
  preamble?: string;
  /** One line that runs `script`, prints `errorMarker <message>` if it fails, then `endMarker`. */
  frame(script: string, endMarker: string, errorMarker: string): string;
}

interface Pending {
  script: string;
  resolve(output: string): void;
  reject(error: Error): void;
}

const END = '<<<procscope-end>>>';
const ERROR = '<<<procscope-error>>>';
const TIMEOUT_MS = 30_000;

export class ShellSession {
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly queue: Pending[] = [];
  private buffer = '';
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(private readonly dialect: ShellDialect) {}

  /** Resolves with the script's stdout (without the marker); rejects if the script failed. */
  request(script: string): Promise<string> {
    if (this.disposed) return Promise.reject(new Error('The shell session has been closed.'));
    return new Promise((resolve, reject) => {
      this.queue.push({ script, resolve, reject });
      if (this.queue.length === 1) this.sendHead();
    });
  }

  dispose(): void {
    this.disposed = true;
    this.stop(new Error('The shell session has been closed.'));
  }

  private sendHead(): void {
    const head = this.queue[0];
    if (!head) {
      this.setHeld(false);
      return;
    }
    const child = this.child ?? this.start();
    this.setHeld(true);
    this.timer = setTimeout(
      () => this.stop(new Error('The shell did not answer in time.')),
      TIMEOUT_MS,
    );
    child.stdin.write(`${this.dialect.frame(head.script, END, ERROR)}\n`);
  }

  private start(): ChildProcessWithoutNullStreams {
    const child = trackHelper(
      spawn(this.dialect.command, this.dialect.args, { stdio: 'pipe', windowsHide: true }),
      "the shell Procscope reads this system's processes through",
    );
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.receive(chunk));
    // stderr is drained so a chatty shell cannot fill the pipe and stall; failures arrive framed.
    // With stdio 'pipe' the streams are sockets, and only a socket can be told not to hold Node.
    child.stderr.resume();
    (child.stderr as Socket).unref();
    child.on('error', (error) => this.stop(error));
    child.on('exit', () => {
      if (this.child === child) this.stop(new Error('The shell exited.'));
    });
    child.stdin.on('error', () => undefined);
    if (this.dialect.preamble) child.stdin.write(`${this.dialect.preamble}\n`);
    this.child = child;
    return child;
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf(END)) >= 0) {
      const output = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + END.length).replace(/^\r?\n/, '');
      clearTimeout(this.timer);
      const head = this.queue.shift();
      if (head) {
        const failed = output.indexOf(ERROR);
        if (failed >= 0) head.reject(new Error(output.slice(failed + ERROR.length).trim()));
        else head.resolve(output);
      }
      this.sendHead();
    }
  }

  /**
   * Kills the shell and fails everything waiting. A later request starts a fresh shell, so one
   * hung query (WMI can stall) costs one tick, not the session.
   */
  private stop(error: Error): void {
    clearTimeout(this.timer);
    const child = this.child;
    this.child = undefined;
    this.buffer = '';
    child?.kill();
    for (const pending of this.queue.splice(0)) pending.reject(error);
  }

  /** An idle shell must not keep Node alive; a pending answer must. */
  private setHeld(held: boolean): void {
    const child = this.child;
    if (!child) return;
    const stdout = child.stdout as Socket;
    if (held) {
      child.ref();
      stdout.ref();
    } else {
      child.unref();
      stdout.unref();
    }
  }
}
