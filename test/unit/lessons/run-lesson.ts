// Runs a lesson variation through the real Lab (supervisor, tracer, Python) and gives the test
// its recorded events, so lesson tests assert what the Timeline would show, not printed text.

import { resolve } from 'node:path';
import { expect } from 'vitest';
import type {
  CallSite,
  LabEvent,
  LabEventKind,
  LabEventOf,
  RunSummary,
} from '../../../src-main/common/lab';
import { readValues, type Lesson, type LifecycleCall } from '../../../src-main/common/lessons';
import type { LabSupervisor } from '../../../src-main/core/lab/supervisor';
import { lessonRunRequest, listLessons } from '../../../src-main/core/lessons/catalog';

export const LESSONS_ROOT = resolve(import.meta.dirname, '../../../src-main/core/lessons/programs');

export class LessonRun {
  /** The whole log in time order (the supervisor numbers events as they arrive, not by time). */
  readonly events: LabEvent[];

  constructor(
    readonly lesson: Lesson,
    readonly summary: RunSummary,
    events: LabEvent[],
  ) {
    this.events = events.toSorted((a, b) => a.t - b.t || a.seq - b.seq);
  }

  /** Pid of the lesson's main program. */
  get mainPid(): number {
    expect(this.summary.rootPid).toBeTypeOf('number');
    return this.summary.rootPid ?? 0;
  }

  of<K extends LabEventKind>(kind: K): Array<LabEventOf<K>> {
    return this.events.filter((event): event is LabEventOf<K> => event.kind === kind);
  }

  /** The only event of a kind; fails the test if there is not exactly one. */
  one<K extends LabEventKind>(kind: K): LabEventOf<K> {
    const found = this.of(kind);
    expect(found, kind).toHaveLength(1);
    return found[0] as LabEventOf<K>;
  }

  /** The main program's script.end: its code has finished (the interpreter may still wait). */
  get scriptEnd(): LabEventOf<'script.end'> {
    const ends = this.of('script.end').filter(({ pid }) => pid === this.mainPid);
    expect(ends).toHaveLength(1);
    return ends[0] as LabEventOf<'script.end'>;
  }

  /** The exit each child process reported for itself (signals are seen by the parent only). */
  childExits(): Array<LabEventOf<'mp.exit'>> {
    return this.of('mp.exit').filter(({ by }) => by === 'child');
  }

  /** Threads the program made itself (not a Queue's feeder or a Pool's handlers). */
  userThreads(): Array<LabEventOf<'thread.created'>> {
    return this.of('thread.created').filter(({ internal }) => !internal);
  }

  /** What a process printed on one stream, for failure messages and stream checks. */
  output(stream: 'stdout' | 'stderr', pid?: number): string {
    return this.of('output')
      .filter((event) => event.stream === stream && (pid === undefined || event.pid === pid))
      .map(({ text }) => text)
      .join('');
  }

  /** The lines the program printed, each process's own (an unbuffered print is two writes). */
  lines(): string[] {
    const bySource = new Map<string, string>();
    for (const { pid, stream, text } of this.of('output')) {
      const source = `${pid ?? '-'}:${stream}`;
      bySource.set(source, (bySource.get(source) ?? '') + text);
    }
    return [...bySource.values()].flatMap((text) => text.split('\n')).filter((line) => line !== '');
  }

  /** What the lesson's results show for this run: its readouts of the output. */
  values(): string[] {
    return readValues(this.lesson.readouts, this.lines());
  }

  /** What the catalog marked at a recorded call site (empty when nothing is marked there). */
  callsAt(at: CallSite | null): LifecycleCall[] {
    return this.lesson.lifecycleLines
      .filter(({ file, line }) => resolve(LESSONS_ROOT, file) === at?.file && line === at.line)
      .map(({ call }) => call);
  }

  /** Call sites the tracer recorded in a lesson program that the catalog did not mark. */
  unmarkedCallSites(): string[] {
    const programs = new Set(this.lesson.programs.map(({ file }) => resolve(LESSONS_ROOT, file)));
    return this.events
      .flatMap((event): Array<CallSite | null> => ('at' in event ? [event.at] : []))
      .filter((at): at is CallSite => at !== null && programs.has(at.file))
      .filter((at) => this.callsAt(at).length === 0)
      .map(({ file, line }) => `${file}:${line}`);
  }
}

export async function runLesson(
  supervisor: LabSupervisor,
  lessonId: string,
  variationId: string,
): Promise<LessonRun> {
  const lesson = listLessons(LESSONS_ROOT).find(({ id }) => id === lessonId);
  if (!lesson) throw new Error(`There is no lesson ${lessonId}.`);
  const started = await supervisor.start(lessonRunRequest(LESSONS_ROOT, lesson, variationId));
  const summary = await supervisor.waitForEnd(started.id);
  return new LessonRun(lesson, summary, supervisor.events(started.id));
}

/**
 * What every lesson run must be: the program finished normally, the tracer neither failed nor
 * ran out of budget, and every lifecycle line it recorded is one the source view marks.
 */
export function expectCleanRun(run: LessonRun): void {
  const context = `${run.lesson.id}\n--- stdout\n${run.output('stdout')}--- stderr\n${run.output('stderr')}`;
  expect(run.summary, context).toMatchObject({ state: 'exited', exitCode: 0, error: null });
  expect(run.of('tracer.error'), context).toEqual([]);
  expect(run.of('tracer.limit'), context).toEqual([]);
  expect(run.of('script.error'), context).toEqual([]);
  expect(run.unmarkedCallSites(), context).toEqual([]);
  // Every variation shows the values that carry its lesson.
  if (run.lesson.readouts.length > 0) expect(run.values(), context).not.toEqual([]);
}

/** The events happened in this order, on the run's one clock. */
export function expectInOrder(...events: LabEvent[]): void {
  for (let i = 1; i < events.length; i += 1) {
    const [earlier, later] = [events[i - 1] as LabEvent, events[i] as LabEvent];
    expect(earlier.t, `${earlier.kind} before ${later.kind}`).toBeLessThanOrEqual(later.t);
  }
}
