// The transparency check every tracer test shares: run a program plainly, then through the real
// CLI, supervisor and tracer, from the same folder (so paths in tracebacks match), and compare
// what it printed on stdout and stderr, its exit status and the files it left, byte for byte.

import { spawn } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { constants, tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../../../src-main/cli';
import type { LabEvent, RunSummary } from '../../../../src-main/common/lab';
import { readRecording } from '../../../../src-main/core/recording/format';

export type ProgramFile = string | Buffer | { symlink: string };

export interface Program {
  /** The program's files, by path relative to its folder. */
  files: Record<string, ProgramFile>;
  /** The command, run in the program's folder; "{python}" stands for the interpreter. */
  argv: string[];
  /** Commands run in the folder before each run (to build a zipapp, compile a .pyc…). */
  setup?: string[][];
  stdin?: string;
}

export interface Outcome {
  stdout: string;
  stderr: string;
  /** As a shell reports it: the exit code, or 128 + the signal number. */
  status: number;
  /** Every file in the folder afterwards (bytecode caches aside), with its contents. */
  files: Record<string, string>;
}

export interface TracedOutcome extends Outcome {
  summary: RunSummary;
  events: LabEvent[];
}

// Files are given a fixed time, so a .pyc compiled from them is the same bytes in both runs.
const FIXED_TIME = new Date('2024-01-01T00:00:00Z');

function folderFor(name: string): string {
  return path.join(tmpdir(), `procscope-transparency-${process.pid}`, name);
}

function substitute(argv: string[], python: string): string[] {
  return argv.map((arg) => arg.replaceAll('{python}', python));
}

/** Writes the program into a fresh folder and runs its setup there. */
async function prepare(dir: string, program: Program, python: string): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(program.files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    if (typeof content === 'object' && 'symlink' in content) symlinkSync(content.symlink, file);
    else writeFileSync(file, content);
  }
  for (const name of Object.keys(program.files)) {
    const file = path.join(dir, name);
    if (!lstatSync(file).isSymbolicLink()) utimesSync(file, FIXED_TIME, FIXED_TIME);
  }
  for (const command of program.setup ?? []) {
    const [file = '', ...args] = substitute(command, python);
    const result = await runProcess(file, args, dir, '');
    if (result.status !== 0) throw new Error(`setup ${command.join(' ')} failed: ${result.stderr}`);
  }
}

function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (relative: string): void => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const name = path.join(relative, entry.name);
      if (entry.name === '__pycache__') continue;
      if (entry.isDirectory()) walk(name);
      else if (entry.isSymbolicLink()) files[name] = `-> ${readlinkText(path.join(dir, name))}`;
      else files[name] = readFileSync(path.join(dir, name)).toString('base64');
    }
  };
  walk('');
  return files;
}

function readlinkText(file: string): string {
  return existsSync(file) ? path.relative(path.dirname(file), file) : 'dangling';
}

interface ProcessResult {
  stdout: string;
  stderr: string;
  status: number;
}

function plainEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('PROCSCOPE_')) env[name] = value;
  }
  return env;
}

// Node's own child pipes are socket pairs; a shell's are pipes. The plain run is given what a
// shell pipeline gives it: `cat stdin | program 2> >(cat >&2) | cat`, with the program's status.
const PIPELINE =
  'cat -- "$0" | "$@" 2> >(cat >&2) | cat; status=("${PIPESTATUS[@]}"); exit "${status[1]}"';

function runProcess(
  file: string,
  args: string[],
  cwd: string,
  stdin: string,
): Promise<ProcessResult> {
  const input = `${cwd}.stdin`;
  writeFileSync(input, stdin);
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', PIPELINE, input, file, ...args], {
      cwd,
      env: plainEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        status: code ?? 128 + (signal ? signalNumber(signal) : 0),
      }),
    );
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  const numbers: Record<string, number> = constants.signals;
  return numbers[signal] ?? 0;
}

/** The program run as a person would run it in a shell, without Procscope. */
export async function runPlain(name: string, program: Program, python: string): Promise<Outcome> {
  const dir = folderFor(name);
  await prepare(dir, program, python);
  const [file = '', ...args] = substitute(program.argv, python);
  const result = await runProcess(file, args, dir, program.stdin ?? '');
  return { ...result, files: snapshot(dir) };
}

/** The same program through `procscope record`, in-process, with the same folder and stdin. */
export async function runTraced(
  name: string,
  program: Program,
  python: string,
): Promise<TracedOutcome> {
  const dir = folderFor(name);
  await prepare(dir, program, python);
  const recording = path.join(path.dirname(dir), `${name}.procscope`);
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  stdin.end(program.stdin ?? '');
  const argv = substitute(program.argv, python);
  const before = process.cwd();
  process.chdir(dir);
  let status: number;
  try {
    status = await main(['record', '--quiet', '--out', recording, '--', ...argv], {
      stdin,
      stdout,
      stderr,
    });
  } finally {
    process.chdir(before);
  }
  const files = snapshot(dir);
  const { summary, events } = existsSync(recording)
    ? await readRecording(recording)
    : { summary: undefined, events: [] };
  rmSync(recording, { force: true });
  return {
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
    status,
    files,
    summary: summary as RunSummary,
    events,
  };
}

/** Plain first, then traced, from the same folder. */
export async function runBoth(
  name: string,
  program: Program,
  python: string,
): Promise<{ plain: Outcome; traced: TracedOutcome }> {
  const plain = await runPlain(name, program, python);
  const traced = await runTraced(name, program, python);
  return { plain, traced };
}

/** What must be identical: a value for `expect(traced).toEqual(plain)`. */
export function observable(outcome: Outcome): Outcome {
  const { stdout, stderr, status, files } = outcome;
  return { stdout, stderr, status, files };
}
