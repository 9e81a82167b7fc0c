// The built-in lessons as lessons.list answers them — their words from core's list, their
// programs read through Vite (component tests run in jsdom, without fs) — and a backend that runs
// them: each lessons.run starts the next run id, whose log the test prepares or pushes.
import type { PythonStatus } from '$common/contract';
import type { LabEvent, RunSummary } from '$common/lab';
import type { Lesson } from '$common/lessons';
import { BUILTIN_LESSONS } from '../../src-main/core/lessons/builtin';
import { findLifecycleLines } from '../../src-main/core/lessons/lifecycle-lines';
import { FakeBridge } from './fake-bridge';
import { PYTHON_OK, summary } from './lab-fixtures';

const PROGRAMS = '../../src-main/core/lessons/programs/';
const SOURCES = import.meta.glob<string>('../../src-main/core/lessons/programs/*.py', {
  query: '?raw',
  import: 'default',
  eager: true,
});

/** Where the backend keeps the programs: the tracer reports absolute paths under it. */
export const LESSONS_ROOT = '/opt/procscope/lessons';

export function builtinLessons(): Lesson[] {
  return BUILTIN_LESSONS.map((spec) => {
    const programs = spec.programs.map((file) => ({
      file,
      source: SOURCES[`${PROGRAMS}${file}`] ?? null,
    }));
    return {
      ...spec,
      programs,
      lifecycleLines: programs.flatMap(({ file, source }) =>
        source === null ? [] : findLifecycleLines(file, source),
      ),
      error: null,
    };
  });
}

export function programLine(file: string, text: string): number {
  const source = SOURCES[`${PROGRAMS}${file}`] ?? '';
  const index = source.split('\n').findIndex((line) => line.includes(text));
  if (index < 0) throw new Error(`${file} has no line with ${text}`);
  return index + 1;
}

/**
 * A backend for the Lessons screen: `logs` holds each run's events by run id (run-1, run-2… in
 * the order lessons.run is called); a run whose log ended is reported as exited.
 */
export function lessonsBridge(
  options: {
    logs?: Map<string, LabEvent[]>;
    python?: PythonStatus;
    /** Runs the backend already holds, as after a reload of the page. */
    runs?: RunSummary[];
    /** Saved recordings by path: recording.open makes each a run the backend holds. */
    recordings?: Map<string, RunSummary>;
  } = {},
): FakeBridge {
  const logs = options.logs ?? new Map<string, LabEvent[]>();
  const runs = new Map<string, RunSummary>(options.runs?.map((run) => [run.id, run]));
  const current = (runId: string): RunSummary => {
    const log = logs.get(runId) ?? [];
    const ended = log.some((event) => event.kind === 'run.ended');
    return {
      ...(runs.get(runId) ?? summary({ id: runId })),
      state: ended ? 'exited' : 'running',
      exitCode: ended ? 0 : null,
      lastSeq: log.length,
    };
  };
  const bridge: FakeBridge = new FakeBridge({
    'lessons.list': () => builtinLessons(),
    'lab.python': () => options.python ?? PYTHON_OK,
    'lab.runs': () => [...runs.keys()].map(current),
    'lessons.run': ({ lessonId, variation, stepMode }) => {
      const id = `run-${runs.size + 1}`;
      runs.set(
        id,
        summary({
          id,
          title: `${lessonId}: ${variation}`,
          stepMode: stepMode ?? false,
          startedAt: runs.size + 1,
          lesson: { lessonId, variation: variation ?? 'default' },
        }),
      );
      return { ...current(id), state: 'running', exitCode: null };
    },
    'lab.events': ({ runId, sinceSeq }) => ({
      summary: current(runId),
      events: (logs.get(runId) ?? []).filter((event) => event.seq > (sinceSeq ?? 0)),
      more: false,
    }),
    'lab.step': ({ runId }) => current(runId),
    'lab.stop': ({ runId }) => current(runId),
    'lab.setStepMode': ({ runId }) => current(runId),
    'recording.open': ({ path }) => {
      const recorded = options.recordings?.get(path);
      if (!recorded) throw new Error(`no recording at ${path}`);
      runs.set(recorded.id, recorded);
      // As the backend does: every client hears of the run the recording became.
      bridge.emit('lab.run', current(recorded.id));
      return current(recorded.id);
    },
  });
  return bridge;
}
