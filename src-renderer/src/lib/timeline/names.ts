// How the Timeline names things: lane ids, exit codes and signals, call sites, and the small
// text helpers the builder and the projection share.

import type { CallSite, ObjectId } from '$common/lab';

const SIGNALS: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  6: 'SIGABRT',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  13: 'SIGPIPE',
  15: 'SIGTERM',
};
export const SIGNAL_NUMBERS: Record<string, number> = Object.fromEntries(
  Object.entries(SIGNALS).map(([number, name]) => [name, -Number(number)]),
);

/** "exit code 0", "exit code −15 (SIGTERM)": Process.exitcode, as the student will print it. */
export function describeExitCode(code: number | null): string {
  if (code === null) return 'exit code unknown';
  const signal = code < 0 ? SIGNALS[-code] : undefined;
  return `exit code ${code < 0 ? '−' : ''}${Math.abs(code)}${signal ? ` (${signal})` : ''}`;
}

export function where(at: CallSite | null): string {
  return at ? `at ${basename(at.file)}:${at.line}` : '';
}

/** Functions of the student's own script are named without the "__main__." prefix. */
export function shortName(qualified: string): string {
  return qualified.startsWith('__main__.') ? qualified.slice('__main__.'.length) : qualified;
}

export function basename(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

export function lines(...parts: (string | null | undefined | false)[]): string {
  return parts.filter(Boolean).join('\n');
}

export const min = (a: number | null, b: number | null): number | null =>
  a === null ? b : b === null ? a : Math.min(a, b);

export const processLaneId = (pid: number): string => `p:${pid}`;
export const objectLaneId = (obj: ObjectId): string => `o:${obj}`;
export const threadLaneId = (pid: number, tid: number): string => `t:${pid}:${tid}`;
export const threadObjLaneId = (pid: number, obj: ObjectId): string => `to:${pid}:${obj}`;
