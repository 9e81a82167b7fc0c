// Shared by the Lab tests: fixtures, running a program to its end, picking events by kind.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type {
  LabEvent,
  LabEventKind,
  LabEventOf,
  RunSummary,
  StartRunRequest,
} from '../../../../src-main/common/lab';
import type { LabSupervisor } from '../../../../src-main/core/lab/supervisor';

export function fixture(name: string): string {
  return fileURLToPath(new URL(`../../../fixtures/lab/${name}`, import.meta.url));
}

export interface FinishedRun {
  summary: RunSummary;
  events: LabEvent[];
}

export async function runToEnd(
  supervisor: LabSupervisor,
  request: Partial<StartRunRequest> & { file: string },
): Promise<FinishedRun> {
  const started = await supervisor.start({ kind: 'python', ...request });
  const summary = await supervisor.waitForEnd(started.id);
  return { summary, events: supervisor.events(started.id) };
}

export function ofKind<K extends LabEventKind>(
  events: readonly LabEvent[],
  kind: K,
): LabEventOf<K>[] {
  return events.filter((event): event is LabEventOf<K> => event.kind === kind);
}

export function onlyOne<K extends LabEventKind>(
  events: readonly LabEvent[],
  kind: K,
): LabEventOf<K> {
  const found = ofKind(events, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind} event, found ${found.length}`);
  return found[0] as LabEventOf<K>;
}

export function outputText(
  events: readonly LabEvent[],
  stream: 'stdout' | 'stderr' = 'stdout',
): string {
  return ofKind(events, 'output')
    .filter((event) => event.stream === stream)
    .sort((a, b) => a.t - b.t)
    .map((event) => event.text)
    .join('');
}

/** Whether a pid is a live (non-zombie) process. */
export function isLive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}
