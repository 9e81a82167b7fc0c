// What the Lab's start form holds, and how it becomes a StartRunRequest: the argument line split
// the way a shell would, environment overrides read from NAME=value lines, and the working
// directory defaulting to the script's folder (as IDLE and most editors run a script).
import type { RunKind, StartRunRequest } from '$common/lab';

export interface LabDraft {
  kind: RunKind;
  file: string;
  /** One line, as typed after the script name in a terminal. */
  args: string;
  /** Empty: the script's folder. */
  cwd: string;
  /** NAME=value lines; -NAME removes a variable. */
  env: string;
  stepMode: boolean;
}

export function emptyDraft(): LabDraft {
  return { kind: 'python', file: '', args: '', cwd: '', env: '', stepMode: false };
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Splits an argument line into words as a POSIX shell would for the cases people type: spaces
 * separate, '…' is literal, "…" groups (with \" for a quote inside), and a backslash escapes a
 * quote or a space. Any other backslash is kept, so Windows paths (C:\data\in.txt) survive.
 */
export function splitArgs(line: string): Parsed<string[]> {
  const words: string[] = [];
  let word = '';
  // A word may be empty ("") yet still be a word, so "started" is tracked apart from its text.
  let started = false;
  let i = 0;
  while (i < line.length) {
    const char = line[i] as string;
    if (/\s/.test(char)) {
      if (started) words.push(word);
      word = '';
      started = false;
      i++;
    } else if (char === "'" || char === '"') {
      const close = findClose(line, i + 1, char);
      if (close < 0) return { ok: false, error: `A ${char} quote is not closed.` };
      const inner = line.slice(i + 1, close);
      word += char === '"' ? inner.replace(/\\"/g, '"') : inner;
      started = true;
      i = close + 1;
    } else if (char === '\\' && i + 1 < line.length && /["'\s]/.test(line[i + 1] as string)) {
      word += line[i + 1];
      started = true;
      i += 2;
    } else {
      word += char;
      started = true;
      i++;
    }
  }
  if (started) words.push(word);
  return { ok: true, value: words };
}

function findClose(line: string, from: number, quote: string): number {
  for (let i = from; i < line.length; i++) {
    if (line[i] === quote) return i;
    if (quote === '"' && line[i] === '\\' && line[i + 1] === '"') i++;
  }
  return -1;
}

const ENV_NAME = /^[^\s=]+$/;

/** NAME=value sets, -NAME removes (sent as null), blank lines and # comments are skipped. */
export function parseEnv(text: string): Parsed<Record<string, string | null>> {
  const env: Record<string, string | null> = {};
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const equals = line.indexOf('=');
    const name = line.startsWith('-') ? line.slice(1) : line.slice(0, equals);
    const valid = line.startsWith('-') ? equals < 0 : equals > 0;
    if (!valid || !ENV_NAME.test(name))
      return {
        ok: false,
        error: `Line ${index + 1}: write NAME=value, or -NAME to remove a variable.`,
      };
    env[name] = line.startsWith('-') ? null : line.slice(equals + 1);
  }
  return { ok: true, value: env };
}

/** The folder of an absolute path ("/a/b.py" → "/a", "C:\\x\\b.py" → "C:\\x"), else null. */
export function folderOf(path: string): string | null {
  const absolute = /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path);
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (!absolute || cut < 0) return null;
  const folder = path.slice(0, cut);
  // Keep the root's own separator: "/" and "C:\" are folders, "" and "C:" are not.
  return /^([A-Za-z]:)?$/.test(folder) ? path.slice(0, cut + 1) : folder;
}

/** "Copy as path" on Windows wraps the path in quotes; a path field should not care. */
export function unquotePath(path: string): string {
  const trimmed = path.trim();
  return /^(["']).*\1$/.test(trimmed) && trimmed.length >= 2 ? trimmed.slice(1, -1) : trimmed;
}

export type DraftField = 'file' | 'args' | 'env';

export type BuiltRequest =
  { ok: true; request: StartRunRequest } | { ok: false; field: DraftField; error: string };

export function buildStartRequest(draft: LabDraft): BuiltRequest {
  const file = unquotePath(draft.file);
  if (!file)
    return {
      ok: false,
      field: 'file',
      error:
        draft.kind === 'python' ? 'Choose the Python script to run.' : 'Enter the program to run.',
    };
  const args = splitArgs(draft.args);
  if (!args.ok) return { ok: false, field: 'args', error: args.error };
  const env = parseEnv(draft.env);
  if (!env.ok) return { ok: false, field: 'env', error: env.error };
  const cwd = unquotePath(draft.cwd) || folderOf(file);
  return {
    ok: true,
    request: {
      kind: draft.kind,
      file,
      args: args.value,
      ...(cwd ? { cwd } : {}),
      ...(Object.keys(env.value).length > 0 ? { env: env.value } : {}),
      stepMode: draft.stepMode,
    },
  };
}
