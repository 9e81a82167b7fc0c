// The built-in lessons of the Lab, as the renderer shows them: a program (or two) to run, what
// to watch while it runs, what the class should observe, and "try this" variations that re-run
// it with other command-line flags. Pure types: core loads lessons from disk, the renderer
// draws them, so nothing here may touch Node, Electron or the DOM.

/** One Python program of a lesson. */
export interface LessonProgram {
  /** Path relative to the lessons root, '/'-separated: "06_join.py". */
  file: string;
  /** The program's text, for the source view; null when it could not be read (see Lesson.error). */
  source: string | null;
}

/** A "try this" switch: the same lesson run with other flags, or its other program. */
export interface LessonVariation {
  /** Unique within the lesson: "no-join". */
  id: string;
  /** What the teacher toggles, in words: "Without join()". */
  label: string;
  /** Which of the lesson's programs it runs (a LessonProgram.file). */
  program: string;
  /** The command-line flags it adds: ["--no-join"]. */
  args: string[];
}

/**
 * What a lifecycle line does. Named by effect rather than by method, because the same method
 * name means the same step for a Process and a Thread (start, join), and put/send or get/recv
 * are one step each (a message leaves, a message arrives).
 */
export const LIFECYCLE_CALLS = [
  'create',
  'start',
  'is_alive',
  'join',
  'terminate',
  'kill',
  'send',
  'receive',
  'pool',
  'map',
] as const;
export type LifecycleCall = (typeof LIFECYCLE_CALLS)[number];

/**
 * A program line that makes a lifecycle call, found in the source before anything runs, so the
 * source view can mark them up front; during a run the tracer's CallSite names the same lines.
 */
export interface LifecycleLine {
  /** A LessonProgram.file. */
  file: string;
  /** 1-based, like CallSite.line. */
  line: number;
  call: LifecycleCall;
}

/**
 * A value a lesson's program prints that carries the lesson (a pid, an exit code, a counter), read
 * from its output so the lesson's results show it in large type beside each variation's run.
 */
export interface LessonReadout {
  /** A JavaScript regular expression, matched against every line the program printed. */
  pattern: string;
  /** What a matching line reads as, its named groups filled in: "exit code {code}". */
  show: string;
  /** Only the last matching line counts (a child's "step 5" of five). */
  last?: boolean;
  /** Said when no line matched, because the missing line is the point ("never cleaned up"). */
  absent?: string;
}

/**
 * What a run's output lines say through the readouts: one value per matching line, in the order
 * the lines were printed (a line counts for the first readout it matches), then what is absent.
 */
export function readValues(readouts: readonly LessonReadout[], lines: readonly string[]): string[] {
  const patterns = readouts.map((readout) => new RegExp(readout.pattern));
  const found: Array<{ readout: number; value: string }> = [];
  for (const line of lines) {
    for (const [index, pattern] of patterns.entries()) {
      const match = pattern.exec(line);
      if (!match) continue;
      const show = (readouts[index] as LessonReadout).show;
      const value = show.replace(/\{(\w+)\}/g, (_, name: string) => match.groups?.[name] ?? '');
      // A real minus sign: "-15" on a projector reads as a dash and a 15.
      found.push({ readout: index, value: value.replace(/(^|[\s(:])-(?=\d)/g, '$1\u2212') });
      break;
    }
  }
  const kept = found.filter(
    (item, at) =>
      !readouts[item.readout]?.last ||
      !found.slice(at + 1).some((later) => later.readout === item.readout),
  );
  const absent = readouts.flatMap((readout, index) =>
    readout.absent !== undefined && !found.some((item) => item.readout === index)
      ? [readout.absent]
      : [],
  );
  return [...kept.map((item) => item.value), ...absent];
}

export interface Lesson {
  /** Stable slug: "join". */
  id: string;
  /** Position in the course, from 1. */
  number: number;
  title: string;
  /** One line for the lesson list. */
  summary: string;
  /** What the lesson shows, in 2–4 plain sentences. */
  explanation: string;
  /** Where to look in the app while it runs. */
  watch: string;
  /** What the class should see, one short sentence each. */
  observations: string[];
  programs: LessonProgram[];
  /** At least one. */
  variations: LessonVariation[];
  /** A LessonVariation.id. */
  defaultVariation: string;
  lifecycleLines: LifecycleLine[];
  /** Its program measures its own time, and that time is what the variations compare. */
  timed: boolean;
  /** The values of its output that carry the lesson, shown with each variation's run. */
  readouts: LessonReadout[];
  /** Why the lesson cannot be run (a program is missing or unreadable); null when it can. */
  error: string | null;
}
