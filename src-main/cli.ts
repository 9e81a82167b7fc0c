// procscope: the Lab without the window.
//
//   procscope record --out run.procscope [--step] [--quiet] -- python3 script.py args...
//   procscope export --chrome run.procscope [--out trace.json]
//
// `record` runs the program under the supervisor exactly as the app would, passes its stdin in
// and its output out byte for byte, reports its lifecycle on stderr, writes the recording, and
// exits with the program's exit status, as a shell would report it. `export` converts a
// recording to Chrome Trace Event JSON (Perfetto opens it).

import { accessSync, constants as fsConstants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { writeFile } from 'node:fs/promises';
import { isProcscopeError } from './common/errors';
import type { LabEvent, RunSummary, StartRunRequest } from './common/lab';
import { isPythonExecutable, parsePythonArgs } from './core/lab/python-command';
import { LabSupervisor } from './core/lab/supervisor';
import { toChromeTrace } from './core/recording/chrome-trace';
import { readRecording, writeRecording } from './core/recording/format';

const VERSION = '0.1.0';
const GENERATOR = `procscope-cli ${VERSION}`;
// The CLI passes output through verbatim, so its per-window cap is far above any terminal.
const CLI_OUTPUT_WINDOW_BYTES = 64 * 1024 * 1024;

const USAGE = `usage:
  procscope record --out FILE [--step] [--quiet] -- PROGRAM [ARGS...]
      Run PROGRAM under Procscope and record its processes and threads to FILE.
      Every Python it runs is traced, however it is started (python3 script.py, -m, -c,
      options, a folder, a zipapp, through env or a shell, as a subprocess); any other
      program is observed. Its stdin, output and exit status pass through.
      --step   pause at every lifecycle call (Enter: step, c then Enter: continue); the
               program's stdin is then empty
      --quiet  no progress lines on stderr
  procscope export --chrome FILE [--out JSON]
      Convert a recording to Chrome Trace Event JSON (stdout unless --out).
  procscope --help | --version`;

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
}

class UsageError extends Error {}

export async function main(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin },
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'record':
        return await record(rest, io);
      case 'export':
        return await exportTrace(rest, io);
      case '--help':
      case '-h':
      case 'help':
        io.stdout.write(`${USAGE}\n`);
        return 0;
      case '--version':
        io.stdout.write(`procscope ${VERSION}\n`);
        return 0;
      default:
        throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`procscope: ${error.message}\nRun "procscope --help" for usage.\n`);
      return 2;
    }
    if (isProcscopeError(error)) {
      io.stderr.write(`procscope: ${error.message}\n`);
      return 1;
    }
    io.stderr.write(`procscope: unexpected error: ${(error as Error).message ?? String(error)}\n`);
    return 1;
  }
}

interface RecordOptions {
  out: string;
  step: boolean;
  quiet: boolean;
  program: string[];
}

function parseRecord(args: string[]): RecordOptions {
  const dashes = args.indexOf('--');
  const flags = dashes < 0 ? args : args.slice(0, dashes);
  const program = dashes < 0 ? [] : args.slice(dashes + 1);
  const options: RecordOptions = { out: '', step: false, quiet: false, program };
  for (let index = 0; index < flags.length; index += 1) {
    const flag = flags[index];
    if (flag === '--out') options.out = flags[++index] ?? '';
    else if (flag === '--step') options.step = true;
    else if (flag === '--quiet') options.quiet = true;
    else throw new UsageError(`record: unknown option "${flag}" (the program goes after "--")`);
  }
  if (!options.out) throw new UsageError('record: --out FILE is required');
  if (program.length === 0) throw new UsageError('record: no program given after "--"');
  return options;
}

/** `python3 [options] target args` is a Python run; anything else runs as given. */
function runRequest(program: string[], step: boolean): StartRunRequest {
  const [executable = '', ...rest] = program;
  if (isPythonExecutable(executable)) {
    const { options, target, args } = parsePythonArgs(rest);
    if (target) {
      return { kind: 'python', python: executable, options, file: target, args, stepMode: step };
    }
  }
  return { kind: 'exec', file: executable, args: rest, stepMode: step };
}

async function record(args: string[], io: CliIo): Promise<number> {
  const options = parseRecord(args);
  const request = runRequest(options.program, options.step);
  const supervisor = new LabSupervisor({
    // Each `procscope record` is a fresh process: what an earlier one learnt about the
    // interpreter saves probing it again.
    pythonCacheFile: path.join(
      process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
      'procscope',
      'pythons.json',
    ),
    settings: {
      outputWindowBytes: CLI_OUTPUT_WINDOW_BYTES,
      // On a terminal a Python's stdout is line-buffered; into a pipe or a file it is not.
      console: isTerminal(io.stdout),
    },
  });
  const started = Date.now();
  const say = quietly(io.stderr);
  const progress = (text: string): void => {
    if (!options.quiet) say(`procscope ${((Date.now() - started) / 1000).toFixed(2)}s: ${text}\n`);
  };
  let runId = '';
  // `| head` closed our stdout: the program's own stdout is closed too, so that its next write
  // fails as it would have without Procscope in between.
  const closed = new Set<'stdout' | 'stderr'>();
  const close = (stream: 'stdout' | 'stderr'): void => {
    closed.add(stream);
    if (runId) supervisor.closeOutput(runId, stream);
  };
  const onError = {
    stdout: (error: NodeJS.ErrnoException) => closedBy(error, 'stdout'),
    stderr: (error: NodeJS.ErrnoException) => closedBy(error, 'stderr'),
  };
  const closedBy = (error: NodeJS.ErrnoException, stream: 'stdout' | 'stderr'): void => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') close(stream);
  };
  io.stdout.on('error', onError.stdout);
  io.stderr.on('error', onError.stderr);
  const onOutput = (stream: 'stdout' | 'stderr', chunk: Buffer): void => {
    if (!closed.has(stream)) io[stream].write(chunk);
  };
  const describe = describer();
  supervisor.onEvents((_, events) => {
    for (const event of events) {
      const line = describe(event);
      if (line) progress(line);
    }
  });
  let interrupts = 0;
  const onInterrupt = (): void => {
    interrupts += 1;
    progress(interrupts === 1 ? 'stopping (Ctrl-C again to kill)' : 'killing');
    if (runId) void supervisor.stop(runId, interrupts === 1 ? undefined : 0).catch(() => undefined);
  };
  process.on('SIGINT', onInterrupt);
  const steps = options.step
    ? stepControl(io.stdin, (action) => {
        if (runId) supervisor.step(runId, action);
      })
    : undefined;
  try {
    let summary: RunSummary;
    try {
      summary = await supervisor.start(request, {
        onOutput,
        ...(options.step ? {} : { stdin: io.stdin }),
      });
    } catch (error) {
      const missing = request.kind === 'python' ? missingCommand(request.python ?? '') : undefined;
      if (missing) {
        say(`procscope: ${missing}\n`);
        return 127;
      }
      throw error;
    }
    runId = summary.id;
    for (const stream of closed) supervisor.closeOutput(runId, stream);
    if (options.step) supervisor.input(runId, undefined, true);
    const end = await supervisor.waitForEnd(runId);
    const events = supervisor.events(runId);
    // A path given on the command line is replaced, as -o replaces everywhere.
    await writeRecording(options.out, end, events, GENERATOR, 'replace');
    // A program that could not be started is told as a shell tells it, even with --quiet.
    if (end.rootPid === null && end.error) say(`procscope: ${end.error}\n`);
    progress(
      `${end.state}${end.error ? `: ${end.error}` : ''}; ${events.length} events recorded to ${options.out}`,
    );
    return exitStatus(end);
  } finally {
    io.stdout.off('error', onError.stdout);
    io.stderr.off('error', onError.stderr);
    steps?.close();
    io.stdin.unpipe?.();
    io.stdin.pause?.();
    process.off('SIGINT', onInterrupt);
    await supervisor.dispose();
  }
}

/** Writes that never fail the run: a closed stderr only loses progress lines. */
function quietly(stream: Writable): (text: string) => void {
  return (text) => {
    if (!stream.destroyed && !stream.writableEnded) stream.write(text);
  };
}

function isTerminal(stream: Writable): boolean {
  return (stream as Writable & { isTTY?: boolean }).isTTY === true;
}

/** "python3.99: command not found" when the interpreter is nowhere on PATH, as a shell says. */
function missingCommand(command: string): string | undefined {
  const candidates = command.includes('/')
    ? [command]
    : (process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, command));
  for (const file of candidates) {
    try {
      accessSync(file, fsConstants.X_OK);
      return undefined;
    } catch {
      // Not here.
    }
  }
  return command.includes('/')
    ? `${command}: No such file or directory`
    : `${command}: command not found`;
}

function stepControl(
  stdin: Readable,
  step: (action: 'step' | 'continue') => void,
): { close(): void } {
  const lines = createInterface({ input: stdin });
  lines.on('line', (line) => step(line.trim().toLowerCase().startsWith('c') ? 'continue' : 'step'));
  return lines;
}

/** Progress lines for events that deserve one; remembers process names to use them later. */
function describer(): (event: LabEvent) => string | undefined {
  const names = new Map<string, string>();
  const where = (at: { file: string; line: number } | null): string =>
    at ? ` at ${path.basename(at.file)}:${at.line}` : '';
  return (event) => {
    switch (event.kind) {
      case 'mp.started':
        names.set(event.proc, event.name);
        return `${event.name} started: pid ${event.childPid} (${event.method})${where(event.at)}`;
      case 'mp.exit':
        return `${names.get(event.proc) ?? event.proc} (pid ${event.childPid}) exited with ${event.exitCode}`;
      case 'mp.exception':
        return `${names.get(event.proc) ?? `pid ${event.pid}`}: ${event.type}: ${event.message}`;
      case 'thread.exception':
        return `thread ${event.name}: ${event.type}: ${event.message}`;
      case 'api.error':
        return `${event.call}() raised ${event.type}: ${event.message}${where(event.at)}`;
      case 'script.error':
        return `${event.type}: ${event.message}`;
      case 'tracer.error':
        return `tracer: ${event.message}`;
      case 'step.paused':
        return `paused pid ${event.pid} in ${event.call}${where(event.at)}: ${event.code}  [Enter = step, c = continue]`;
      default:
        return undefined;
    }
  };
}

/** As a shell reports it: the exit code, or 128 + the signal number. */
function exitStatus(summary: RunSummary): number {
  if (summary.exitCode !== null) return summary.exitCode;
  const signals: Record<string, number> = os.constants.signals;
  if (summary.signal !== null) return 128 + (signals[summary.signal] ?? 0);
  return 1;
}

async function exportTrace(args: string[], io: CliIo): Promise<number> {
  let file = '';
  let out = '';
  let chrome = false;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (arg === '--chrome') chrome = true;
    else if (arg === '--out') out = args[++index] ?? '';
    else if (arg.startsWith('-')) throw new UsageError(`export: unknown option "${arg}"`);
    else file = arg;
  }
  if (!chrome) throw new UsageError('export: say which format (--chrome)');
  if (!file) throw new UsageError('export: no recording given');
  const recording = await readRecording(file);
  const json = JSON.stringify(toChromeTrace(recording.summary, recording.events));
  if (out) await writeFile(out, json);
  else io.stdout.write(`${json}\n`);
  return 0;
}
