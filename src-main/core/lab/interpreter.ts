// Finding a usable Python. Each candidate is asked for sys.executable, and runs then use that
// path: launchers such as pyenv shims or the Windows `py` re-resolve the interpreter (and cost a
// shell script) on every start, and would sit between the supervisor and the real process.

import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ProcscopeError } from '../../common/errors';
import { MIN_PYTHON, type PythonInfo } from '../../common/lab';
import { trackHelper } from '../helpers';

const PROBE_TIMEOUT_MS = 15_000;
const PROBE_CODE = 'import sys; print(sys.executable); print("%d.%d.%d" % sys.version_info[:3])';
const MIN_TEXT = MIN_PYTHON.join('.');

interface Candidate {
  file: string;
  args: string[];
  label: string;
}

function defaultCandidates(platform: NodeJS.Platform): Candidate[] {
  const names = platform === 'win32' ? ['python', 'python3'] : ['python3', 'python'];
  const candidates: Candidate[] = names.map((name) => ({ file: name, args: [], label: name }));
  if (platform === 'win32') candidates.push({ file: 'py', args: ['-3'], label: 'py -3' });
  return candidates;
}

type Probe = { kind: 'ok'; info: PythonInfo } | { kind: 'old'; version: string } | { kind: 'none' };

function probe(candidate: Candidate): Promise<Probe> {
  return new Promise((resolve) => {
    const child = execFile(
      candidate.file,
      [...candidate.args, '-c', PROBE_CODE],
      { timeout: PROBE_TIMEOUT_MS, windowsHide: true, encoding: 'utf8' },
      (error, stdout) => {
        const [executable = '', version = ''] = stdout.trim().split(/\r?\n/);
        if (error || !/^\d+\.\d+\.\d+$/.test(version)) return resolve({ kind: 'none' });
        const [major = 0, minor = 0] = version.split('.').map(Number);
        const [needMajor, needMinor] = MIN_PYTHON;
        if (major < needMajor || (major === needMajor && minor < needMinor)) {
          return resolve({ kind: 'old', version });
        }
        resolve({ kind: 'ok', info: { path: executable || candidate.file, version } });
      },
    );
    trackHelper(child, 'Procscope asking a Python for its version');
  });
}

/**
 * Compile the tracer's modules once per interpreter version. Every traced interpreter of a run
 * imports them; with PYTHONDONTWRITEBYTECODE set, or a read-only install, Python would compile
 * them again each time (~5 ms per process). Failure is harmless: Python compiles in memory.
 * Nothing is started when the bytecode for this version is there and newer than the sources.
 */
export function precompile(python: PythonInfo, directory: string): Promise<void> {
  if (compiled(python, directory)) return Promise.resolve();
  return new Promise((resolve) => {
    trackHelper(
      execFile(
        python.path,
        ['-m', 'compileall', '-q', directory],
        { timeout: PROBE_TIMEOUT_MS, windowsHide: true },
        () => resolve(),
      ),
      'Procscope compiling its tracer for this Python',
    );
  });
}

function compiled(python: PythonInfo, directory: string): boolean {
  const [major, minor] = python.version.split('.');
  const tag = `.cpython-${major}${minor}.pyc`;
  try {
    for (const folder of [directory, path.join(directory, 'procscope_tracer')]) {
      for (const name of readdirSync(folder)) {
        if (!name.endsWith('.py')) continue;
        const cached = path.join(folder, '__pycache__', name.replace(/\.py$/, tag));
        if (statSync(cached).mtimeMs < statSync(path.join(folder, name)).mtimeMs) return false;
      }
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * What probing found, kept in a file between processes (the CLI starts afresh each time): a
 * launcher like a pyenv shim costs a shell and a Python start per probe. An entry is trusted
 * while the interpreter it names still has the same modification time.
 */
export class PythonCache {
  private entries: Record<string, PythonInfo & { mtimeMs: number }> | undefined;

  constructor(private readonly file: string) {}

  get(command: string): PythonInfo | undefined {
    const entry = this.load()[this.key(command)];
    if (!entry) return undefined;
    try {
      if (statSync(entry.path).mtimeMs === entry.mtimeMs) {
        return { path: entry.path, version: entry.version };
      }
    } catch {
      // Gone: probe again.
    }
    return undefined;
  }

  set(command: string, python: PythonInfo): void {
    try {
      const entries = this.load();
      entries[this.key(command)] = { ...python, mtimeMs: statSync(python.path).mtimeMs };
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(this.file, `${JSON.stringify(entries)}\n`);
    } catch {
      // Not remembered: the next run probes again.
    }
  }

  private key(command: string): string {
    return `${command}\u0000${process.env.PATH ?? ''}`;
  }

  private load(): Record<string, PythonInfo & { mtimeMs: number }> {
    if (!this.entries) {
      try {
        const parsed: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
        this.entries =
          parsed && typeof parsed === 'object' && !Array.isArray(parsed)
            ? (parsed as Record<string, PythonInfo & { mtimeMs: number }>)
            : {};
      } catch {
        this.entries = {};
      }
    }
    return this.entries;
  }
}

/**
 * The first candidate that is Python 3.8+: `preferred` alone when given (a path or a command,
 * from the request or Settings), otherwise python3, python, and on Windows `py -3`.
 */
export async function findPython(
  preferred?: string,
  platform: NodeJS.Platform = process.platform,
): Promise<PythonInfo> {
  const candidates = preferred
    ? [{ file: preferred, args: [], label: preferred }]
    : defaultCandidates(platform);
  const tooOld: string[] = [];
  for (const candidate of candidates) {
    const result = await probe(candidate);
    if (result.kind === 'ok') return result.info;
    if (result.kind === 'old') tooOld.push(`${candidate.label} is Python ${result.version}`);
  }
  const tried = candidates.map((candidate) => candidate.label).join(', ');
  const advice = 'Install Python 3 from python.org or set the interpreter in Settings.';
  if (tooOld.length > 0) {
    throw new ProcscopeError(
      'unavailable',
      `Python ${MIN_TEXT}+ is required, but ${tooOld.join('; ')}. ${advice}`,
    );
  }
  throw new ProcscopeError(
    'unavailable',
    preferred
      ? `Python ${MIN_TEXT}+ was not found at "${preferred}". ${advice}`
      : `Python ${MIN_TEXT}+ was not found (tried ${tried}). ${advice}`,
  );
}
