// The Lessons screen's state: the built-in lessons, which one is open and which "try this"
// variation is chosen, the observations the teacher ticked, what each variation's last run
// measured, and which runs are compared on one Timeline.
//
// A lesson's run is an ordinary Lab run whose summary names its lesson and variation: the
// LabStore holds the runs (and the selected one's events, projection and output), and this store
// files them by lesson. So a reload loses nothing: the runs come back from the backend's list,
// and their logs, held by the Lab (HeldLogs), give what each measured and what is compared.
import type { LabEvent, RunSummary } from '$common/lab';
import {
  readValues,
  type Lesson,
  type LessonProgram,
  type LessonVariation,
  type LifecycleCall,
} from '$common/lessons';
import type { Bridge } from './bridge.svelte';
import { isLive, type LabStore } from './lab.svelte';
import { OutputBuffer, type OutputLine, type StepPause } from './lab-model';
import { NarrationFeed, type NarrationLine } from './narration';
import type { TimelineRun } from './timeline/runs';

export { isLive } from './lab.svelte';

export interface LessonRun {
  summary: RunSummary;
  lessonId: string;
  variationId: string;
}

export interface RunMeasure {
  /** The program's own time: the last "Wall time: …" its main process printed, in µs. */
  programUs: number | null;
  /** As the program printed it: "Wall time: 15.43 ms". */
  printed: string | null;
  /** The speedup the program printed ("speedup: 1.9x"): parallel against one after another. */
  speedup: number | null;
  /** The tracer's view: the main script's start to its end, without interpreter start-up. */
  scriptUs: number | null;
  /** From starting the run to its end: start-up, tracing, and Python's wait for children. */
  endToEndUs: number | null;
  /** The values of its output that carry the lesson (Lesson.readouts). */
  values: string[];
  /** It stopped at step-mode pauses, so its times measure the teacher's pace. */
  stepped: boolean;
}

export interface VariationResult {
  variation: LessonVariation;
  /** The last run of this variation that was not stepped through, if it has one. */
  runId: string | null;
  measure: RunMeasure | null;
  /** That run is the one on screen. */
  current: boolean;
  live: boolean;
}

const WALL_TIME = /Wall time:\s*([\d.]+)\s*(ms|s)\b/;
const SPEEDUP = /speedup:\s*([\d.]+)\s*x\b/i;
/** Output lines read from a held run's log: a lesson prints a few dozen. */
const OUTPUT_LINES = 5000;

/** What a run measured, from its log and its output as lines. */
export function measureRun(
  events: readonly LabEvent[],
  output: readonly OutputLine[],
  lesson: Pick<Lesson, 'readouts'> | null = null,
): RunMeasure {
  let started: number | null = null;
  let ended: number | null = null;
  let rootPid: number | null = null;
  let scriptStart: number | null = null;
  let scriptEnd: number | null = null;
  let stepped = false;
  for (const event of events) {
    if (event.kind === 'run.started') started = event.t;
    else if (event.kind === 'run.ended') ended = event.t;
    else if (event.kind === 'tracer.attached' && event.role === 'main') {
      rootPid = event.pid;
      scriptStart = event.t;
    } else if (event.kind === 'script.end' && event.pid === rootPid) scriptEnd = event.t;
    else if (event.kind === 'step.paused') stepped = true;
  }
  let printed: string | null = null;
  let programUs: number | null = null;
  let speedup: number | null = null;
  for (const line of output) {
    if (line.pid !== rootPid) continue;
    const time = WALL_TIME.exec(line.text);
    if (time) {
      printed = `Wall time: ${time[1]} ${time[2]}`;
      programUs = Number(time[1]) * (time[2] === 'ms' ? 1_000 : 1_000_000);
    }
    const faster = SPEEDUP.exec(line.text);
    if (faster) speedup = Number(faster[1]);
  }
  return {
    programUs,
    printed,
    speedup,
    scriptUs: scriptStart === null || scriptEnd === null ? null : scriptEnd - scriptStart,
    endToEndUs: started === null || ended === null ? null : ended - started,
    values: lesson
      ? readValues(
          lesson.readouts,
          output.map((line) => line.text),
        )
      : [],
    stepped,
  };
}

/** What a run measured, from its log alone. */
export function measureLog(
  events: readonly LabEvent[],
  lesson: Pick<Lesson, 'readouts'> | null,
): RunMeasure {
  const output = new OutputBuffer(OUTPUT_LINES);
  for (const event of events) if (event.kind === 'output') output.add(event);
  return measureRun(events, output.snapshot(), lesson);
}

/** "48 ms", "1.01 s": to the millisecond, as a stopwatch reads — finer would be start-up noise. */
export function formatWallTime(us: number): string {
  return us < 1_000_000 ? `${Math.round(us / 1000)} ms` : `${(us / 1_000_000).toFixed(2)} s`;
}

/** "1.9×": one decimal, as the program prints it. */
export function formatSpeedup(speedup: number): string {
  return `${speedup.toFixed(1)}×`;
}

/**
 * The one figure a variation's run is compared by: the speedup it printed, else (for a lesson
 * whose program times itself) the program's own time, else the main script's span.
 */
export function headlineOf(lesson: Pick<Lesson, 'timed'>, measure: RunMeasure): string | null {
  if (measure.speedup !== null) return formatSpeedup(measure.speedup);
  if (!lesson.timed) return null;
  const us = measure.programUs ?? measure.scriptUs;
  return us === null ? null : formatWallTime(us);
}

/**
 * Does a path the tracer reported (absolute, this OS's separators) name a lesson program
 * (relative to the lessons root, '/'-separated)?
 */
export function isProgram(path: string, file: string): boolean {
  const normal = path.replace(/\\/g, '/');
  return normal === file || normal.endsWith(`/${file}`);
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

  /** The chosen variation per lesson id; absent means the lesson's default. */
  private chosen = $state<Record<string, string>>({});
  /** Ticked observations per lesson id, by index. */
  private ticked = $state<Record<string, number[]>>({});
  /** Lessons whose variations are compared on one Timeline. */
  private comparing = $state<Record<string, boolean>>({});
  /** Per lesson, the variations taken out of the comparison. */
  private leftOut = $state<Record<string, string[]>>({});
  /** What each held log measured, worked out once per version of it. */
  private readonly measures = new WeakMap<readonly LabEvent[], RunMeasure>();
  private readonly feed = new NarrationFeed();

  /** Every lesson run the backend still holds, oldest first (the Lab lists them newest first). */
  readonly runs = $derived.by((): LessonRun[] =>
    this.lab.runs
      .flatMap((summary) =>
        summary.lesson
          ? [
              {
                summary,
                lessonId: summary.lesson.lessonId,
                variationId: summary.lesson.variation,
              },
            ]
          : [],
      )
      .reverse(),
  );

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
    return selected.lesson?.lessonId === this.lesson.id ? selected : null;
  });

  readonly live = $derived(isLive(this.run));

  // Closures (.by), because they read `lab`, which the constructor sets after the fields.
  readonly narration = $derived.by((): NarrationLine[] =>
    this.run ? this.feed.update(this.lab.events) : [],
  );

  /** Processes held at a step-mode pause right now, in the run on screen. */
  readonly pauses = $derived.by((): StepPause[] => (this.live ? this.lab.view.pauses : []));

  private readonly liveMeasure = $derived.by(() =>
    this.run ? measureRun(this.lab.events, this.lab.output, this.lesson) : null,
  );

  /** The last run of each variation that was not stepped through, with what it measured. */
  readonly results = $derived.by((): VariationResult[] =>
    (this.lesson?.variations ?? []).map((variation) => {
      const last = this.runs.findLast(
        (run) =>
          run.lessonId === this.lesson?.id &&
          run.variationId === variation.id &&
          !run.summary.stepMode &&
          !this.measureOf(run.summary.id)?.stepped,
      );
      const runId = last?.summary.id ?? null;
      return {
        variation,
        runId,
        measure: runId === null ? null : this.measureOf(runId),
        current: runId !== null && runId === this.run?.id,
        live: last !== undefined && isLive(last.summary),
      };
    }),
  );

  /** Whether the open lesson's variations are being compared (there must be two to compare). */
  readonly comparable = $derived(this.results.filter((result) => result.runId).length >= 2);
  readonly compare = $derived(
    this.comparable && this.lesson !== null && this.comparing[this.lesson.id] === true,
  );

  /**
   * The runs on the compare Timeline, in the order of the variations, top to bottom (it lines
   * them up at their scripts' start), each headed by its variation and its headline figure.
   */
  readonly compared = $derived.by((): TimelineRun[] => {
    const lesson = this.lesson;
    if (!this.compare || !lesson) return [];
    return this.results.flatMap((result): TimelineRun[] => {
      if (result.runId === null || !this.isCompared(result.variation.id)) return [];
      const events = this.lab.logOf(result.runId);
      if (!events) return [];
      return [
        {
          key: result.runId,
          title: result.variation.label,
          events,
          live: result.live,
          // Lessons not about time are compared by their values, not by a wall time.
          figure: (result.measure && headlineOf(lesson, result.measure)) ?? '',
        },
      ];
    });
  });

  constructor(
    private readonly bridge: Bridge,
    private readonly lab: LabStore,
  ) {
    bridge.onConnected(() => void this.load());
    bridge.on('lab.run', (summary) => {
      if (summary.lesson) void this.lab.held.hold(summary.id, 'lessons');
    });
  }

  async load(): Promise<void> {
    try {
      const [lessons, runs] = await Promise.all([
        this.bridge.call('lessons.list', {}),
        // The lesson runs the backend still holds: after a reload, their results come back.
        this.bridge.call('lab.runs', {}).catch(() => [] as RunSummary[]),
      ]);
      this.lessons = lessons;
      this.loadError = null;
      const tagged = runs.filter((run) => run.lesson !== undefined);
      for (const run of tagged) void this.lab.held.hold(run.id, 'lessons');
      if (!this.lesson) {
        // Back where the class was: the lesson of the newest run, else the first lesson.
        const newest = tagged.toSorted((a, b) => b.startedAt - a.startedAt)[0]?.lesson?.lessonId;
        const open = lessons.find((lesson) => lesson.id === newest) ?? lessons[0];
        if (open) this.selectedId = open.id;
      }
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
    if (last) this.lab.select(last.summary.id);
  }

  /** Puts one of the lesson's runs back on screen: an earlier variation's, to look at again. */
  show(runId: string): void {
    this.lab.select(runId);
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
    this.ticked[lesson.id] = toggled(this.ticked[lesson.id] ?? [], index);
  }

  /** Compare the open lesson's variations on one Timeline, or go back to the run on screen. */
  setCompare(on: boolean): void {
    if (this.lesson) this.comparing[this.lesson.id] = on;
  }

  isCompared(variationId: string): boolean {
    return !(this.lesson && (this.leftOut[this.lesson.id] ?? []).includes(variationId));
  }

  /** Takes a variation out of the comparison, or puts it back. */
  toggleCompared(variationId: string): void {
    const lesson = this.lesson;
    if (!lesson) return;
    this.leftOut[lesson.id] = toggled(this.leftOut[lesson.id] ?? [], variationId);
  }

  /** Step mode for the next run, and for the run on screen while it is live. */
  setStepMode(on: boolean): void {
    this.stepMode = on;
    if (this.live) void this.lab.setStepMode(on);
  }

  /**
   * Runs the chosen variation and puts its run on screen. One lesson run at a time: one still
   * going is stopped first (two at once would skew each other's times), as is any run held in
   * step mode, which would otherwise wait at its pause unseen.
   */
  async start(): Promise<void> {
    const lesson = this.lesson;
    const variation = this.variation;
    if (!lesson || !variation || this.starting) return;
    this.starting = true;
    this.runError = null;
    try {
      const summary = await this.lab.startLesson(
        { lessonId: lesson.id, variation: variation.id, stepMode: this.stepMode },
        this.runs.filter((run) => isLive(run.summary)).map((run) => run.summary.id),
      );
      void this.lab.held.hold(summary.id, 'lessons');
    } catch (error) {
      this.runError = messageOf(error);
    } finally {
      this.starting = false;
    }
  }

  stop(): Promise<void> {
    return this.live ? this.lab.stop() : Promise.resolve();
  }

  /** 'step' lets the first paused call go on; 'continue' lets every paused process run on. */
  step(action: 'step' | 'continue'): Promise<void> {
    return this.pauses.length > 0 ? this.lab.step(action) : Promise.resolve();
  }

  private measureOf(runId: string): RunMeasure | null {
    if (runId === this.run?.id) return this.liveMeasure;
    const events = this.lab.held.get(runId);
    if (!events) return null;
    let measure = this.measures.get(events);
    if (!measure) {
      const lessonId = this.runs.find((run) => run.summary.id === runId)?.lessonId;
      measure = measureLog(events, this.lessons.find((lesson) => lesson.id === lessonId) ?? null);
      this.measures.set(events, measure);
    }
    return measure;
  }
}

/** Lifecycle calls per line of one program: the code view marks them before anything runs. */
export function lifecycleByLine(lesson: Lesson, file: string): Map<number, LifecycleCall[]> {
  const byLine = new Map<number, LifecycleCall[]>();
  for (const mark of lesson.lifecycleLines)
    if (mark.file === file) byLine.set(mark.line, [...(byLine.get(mark.line) ?? []), mark.call]);
  return byLine;
}

/** `list` without `item` if it holds it, else with it. */
function toggled<T>(list: readonly T[], item: T): T[] {
  return list.includes(item) ? list.filter((other) => other !== item) : [...list, item];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
