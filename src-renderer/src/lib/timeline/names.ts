// How the Timeline names things: lane ids, call sites, and the small text helpers the builder
// and the projection share. Processes and exit codes are named by ../process-names, as elsewhere.

import type { CallSite, ObjectId } from '$common/lab';
import { fileName } from '../process-names';

export { exitStatus, SIGNAL_NUMBERS } from '../process-names';

export function where(at: CallSite | null): string {
  return at ? `at ${fileName(at.file)}:${at.line}` : '';
}

/** Functions of the student's own script are named without the "__main__." prefix. */
export function shortName(qualified: string): string {
  return qualified.startsWith('__main__.') ? qualified.slice('__main__.'.length) : qualified;
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
