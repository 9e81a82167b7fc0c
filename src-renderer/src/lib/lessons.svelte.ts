// The Lessons screen's state: the built-in lessons, which one is open and which "try this"
// variation is chosen, the observations the teacher ticked, and the runs started from here.
//
// A lesson's run is an ordinary Lab run: the LabStore holds its events, projection and output,
// and this store only remembers which runs belong to which lesson and variation. The Lab has
// one selected run; the Lessons screen shows the lesson's run when it is that one, so running
// or opening a lesson selects its run there.
//
// Wall times are kept per run, so the class can compare the last run of each variation (with
// and without join()) after the Lab has moved on to the next run: the live run's comes from the
// Lab's log, and a run that ended is read once from the backend and remembered.
import type { LabEvent, RunSummary } from '$common/lab';
import type { Lesson, LessonProgram, LessonVariation, LifecycleCall } from '$common/lessons';
import type { Bridge } from './bridge.svelte';
import type { LabStore } from './lab.svelte';
import { OutputBuffer, type OutputLine, type StepPause } from './lab-model';
import { NarrationFeed, type NarrationLine } from './narration';
import { fetchRunLog } from './run-log';

export interface LessonRun {
  runId: string;
  lessonId: string;
  variationId: string;
  /** Paused at every call: its wall time measures the teacher's pace, so it is not compared. */
  stepMode: boolean;
}

export interface RunMeasure {
  /**
   * µs from the start of the run to the end of the main script: the interpreter's start-up, the
   * program, and any join() it made, but not Python's own wait for children at exit.
   */
  scriptUs: number | null;
  /** The program's own "Wall time: …" lines, as it printed them. */
  printed: string[];
}

export interface VariationResult {
  variation: LessonVariation;
  /** The last run of this variation, if it has one. */
  runId: string | null;
  measure: RunMeasure | null;
  /** That run is the one on screen. */
  current: boolean;
}

const WALL_TIME = /Wall time:/;
/** Output lines read to find a finished run's "Wall time:" lines: it prints them near the end. */
const OUTPUT_LINES = 5000;

/** What a run measured, from its log and its output as lines. */
export function measureRun(events: readonly LabEvent[], output: readonly OutputLine[]): RunMeasure {
  let started: number | null = null;
  let rootPid: number | null = null;
  let scriptEnd: number | null = null;
  for (const event of events) {
    if (event.kind === 'run.started') started = event.t;
    else if (event.kind === 'tracer.attached' && event.role === 'main') rootPid = event.pid;
    else if (event.kind === 'script.end' && event.pid === rootPid) scriptEnd = event.t;
  }
  return {
    scriptUs: started === null || scriptEnd === null ? null : scriptEnd - started,
    printed: output
      .filter((line) => line.pid === rootPid && WALL_TIME.test(line.text))
      .map((line) => line.text.trim()),
  };
}

/** "48 ms", "1.01 s": to the millisecond, as a stopwatch reads — finer would be start-up noise. */
export function formatWallTime(us: number): string {
  return us < 1_000_000 ? `${Math.round(us / 1000)} ms` : `${(us / 1_000_000).toFixed(2)} s`;
}

/**
 * Does a path the tracer reported (absolute, this OS's separators) name a lesson program
 * (relative to the lessons root, '/'-separated)?
 */
export function isProgram(path: string, file: string): boolean {
  const normal = path.replace(/\\/g, '/');
  return normal === file || normal.endsWith(`/${file}`);
}

export function isLive(run: RunSummary | null): boolean {
  return run !== null && (run.state === 'running' || run.state === 'starting');
}

export class LessonsStore {
  lessons = $state.raw<Lesson[]>([]);
  loading = $state(true);
  loadError = $state<string | null>(null);
  selectedId = $state<string | null>(null);
  readonly lesson = $derived(this.lessons.find((lesson) => lesson.id === this.selectedId) ?? null);

  /** Pause at every lifecycle call of the next run. */
  stepMode = $state(false);
  starting = $state(false);
  runError = $state<string | null>(null);

  /** Runs started from this screen, oldest first. */
  runs = $state.raw<LessonRun[]>([]);

  /** The chosen variation per lesson id; absent means the lesson's default. */
  private chosen = $state<Record<string, string>>({});
  /** Ticked observations per lesson id, by index. */
  private ticked = $state<Record<string, number[]>>({});
  /** Measures of runs that ended, read once each. */
  private measured = $state.raw<Record<string, RunMeasure>>({});
  private readonly measuring = new Set<string>();
  private readonly feed = new NarrationFeed();

  readonly variation = $derived.by((): LessonVariation | null => {
    const lesson = this.lesson;
    if (!lesson) return null;
    const id = this.chosen[lesson.id] ?? lesson.defaultVariation;
    return lesson.variations.find((v) => v.id === id) ?? lesson.variations[0] ?? null;
  });

  /** The program the chosen variation runs, for the code view. */
  readonly program = $derived.by((): LessonProgram | null => {
    const file = this.variation?.program;
    return this.lesson?.programs.find((program) => program.file === file) ?? null;
  });

  /** The lesson's run on screen: the Lab's selected run, when it is one of this lesson's. */
  readonly run = $derived.by((): RunSummary | null => {
    const selected = this.lab.selected;
    if (!selected || !this.lesson) return null;
    const ours = this.runs.find((run) => run.runId === selected.id);
    return ours?.lessonId === this.lesson.id ? selected : null;
  });

  readonly live = $derived(isLive(this.run));

  // Closures (.by), because they read `lab`, which the constructor sets after the fields.
  readonly narration = $derived.by((): NarrationLine[] =>
    this.run ? this.feed.update(this.lab.events) : [],
  );

  /** Processes held at a step-mode pause right now, in the run on screen. */
  readonly pauses = $derived.by((): StepPause[] => (this.live ? this.lab.view.pauses : []));

  private readonly liveMeasure = $derived.by(() =>
    this.run ? measureRun(this.lab.events, this.lab.output) : null,
  );

  /** The last timed run (not in step mode) of each variation, with what it measured. */
  readonly results = $derived.by((): VariationResult[] =>
    (this.lesson?.variations ?? []).map((variation) => {
      const last = this.runs.findLast(
        (run) =>
          run.lessonId === this.lesson?.id && run.variationId === variation.id && !run.stepMode,
      );
      const runId = last?.runId ?? null;
      return {
        variation,
        runId,
        measure: runId === null ? null : this.measureOf(runId),
        current: runId !== null && runId === this.run?.id,
      };
    }),
  );

  constructor(
    private readonly bridge: Bridge,
    private readonly lab: LabStore,
  ) {
    bridge.onConnected(() => void this.load());
    bridge.on('lab.run', (summary) => {
      if (!isLive(summary)) void this.measureEnded(summary.id);
    });
  }

  async load(): Promise<void> {
    try {
      this.lessons = await this.bridge.call('lessons.list', {});
      this.loadError = null;
      if (!this.lesson && this.lessons[0]) this.select(this.lessons[0].id);
    } catch (error) {
      this.loadError = messageOf(error);
    } finally {
      this.loading = false;
    }
  }

  /** Opens a lesson, with its last run (if it has one) on screen. */
  select(lessonId: string): void {
    this.selectedId = lessonId;
    const last = this.runs.findLast((run) => run.lessonId === lessonId);
    if (last) this.lab.select(last.runId);
  }

  /**
   * Takes in lesson runs started elsewhere (the teacher's page, for a class-share viewer), so
   * this screen shows them and their wall times as their own.
   */
  adopt(runs: readonly LessonRun[]): void {
    const known = new Set(this.runs.map((run) => run.runId));
    const fresh = runs.filter((run) => !known.has(run.runId));
    if (fresh.length > 0) this.runs = [...this.runs, ...fresh];
    for (const run of runs) {
      const summary = this.lab.runs.find((candidate) => candidate.id === run.runId);
      if (summary && !isLive(summary)) void this.measureEnded(run.runId);
    }
  }

  /** The next (+1) or previous (−1) lesson; stays put at either end. */
  move(delta: 1 | -1): void {
    const index = this.lessons.findIndex((lesson) => lesson.id === this.selectedId);
    const next = this.lessons[index + delta];
    if (next) this.select(next.id);
  }

  choose(variationId: string): void {
    if (this.lesson) this.chosen[this.lesson.id] = variationId;
  }

  isTicked(index: number): boolean {
    return this.lesson !== null && (this.ticked[this.lesson.id] ?? []).includes(index);
  }

  toggleObservation(index: number): void {
    const lesson = this.lesson;
    if (!lesson) return;
    const ticked = this.ticked[lesson.id] ?? [];
    this.ticked[lesson.id] = ticked.includes(index)
      ? ticked.filter((i) => i !== index)
      : [...ticked, index];
  }

  /** Step mode for the next run, and for the run on screen while it is live. */
  setStepMode(on: boolean): void {
    this.stepMode = on;
    if (this.live) void this.lab.setStepMode(on);
  }

  /** Runs the chosen variation and puts its run on screen. */
  async start(): Promise<void> {
    const lesson = this.lesson;
    const variation = this.variation;
    if (!lesson || !variation || this.starting) return;
    this.starting = true;
    this.runError = null;
    try {
      const summary = await this.bridge.call('lessons.run', {
        lessonId: lesson.id,
        variation: variation.id,
        stepMode: this.stepMode,
      });
      this.runs = [
        ...this.runs,
        {
          runId: summary.id,
          lessonId: lesson.id,
          variationId: variation.id,
          stepMode: this.stepMode,
        },
      ];
      this.lab.select(summary.id);
      // A run can end before we knew it was ours (a program that fails at once).
      if (!isLive(summary)) void this.measureEnded(summary.id);
    } catch (error) {
      this.runError = messageOf(error);
    } finally {
      this.starting = false;
    }
  }

  stop(): Promise<void> {
    return this.live ? this.lab.stop() : Promise.resolve();
  }

  /** 'step' lets the first paused call go on; 'continue' lets every paused process run. */
  step(action: 'step' | 'continue'): Promise<void> {
    return this.pauses.length > 0 ? this.lab.step(action) : Promise.resolve();
  }

  private measureOf(runId: string): RunMeasure | null {
    return this.measured[runId] ?? (runId === this.run?.id ? this.liveMeasure : null);
  }

  private async measureEnded(runId: string): Promise<void> {
    if (!this.runs.some((run) => run.runId === runId)) return;
    if (runId in this.measured || this.measuring.has(runId)) return;
    this.measuring.add(runId);
    try {
      const events: LabEvent[] = [];
      const output = new OutputBuffer(OUTPUT_LINES);
      await fetchRunLog(this.bridge, runId, undefined, (page) => {
        for (const event of page.events) {
          events.push(event);
          if (event.kind === 'output') output.add(event);
        }
        return true;
      });
      this.measured = { ...this.measured, [runId]: measureRun(events, output.snapshot()) };
    } catch {
      // The run's log is gone (the backend restarted): its wall time is simply not compared.
    } finally {
      this.measuring.delete(runId);
    }
  }
}

/** Lifecycle calls per line of one program: the code view marks them before anything runs. */
export function lifecycleByLine(lesson: Lesson, file: string): Map<number, LifecycleCall[]> {
  const byLine = new Map<number, LifecycleCall[]>();
  for (const mark of lesson.lifecycleLines)
    if (mark.file === file) byLine.set(mark.line, [...(byLine.get(mark.line) ?? []), mark.call]);
  return byLine;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
