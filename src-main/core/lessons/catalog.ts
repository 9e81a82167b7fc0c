// The lesson catalog: the built-in lessons with their programs read from disk, ready for the UI,
// and the run request that starts one of their variations in the Lab.
//
// Sources are read at call time, not bundled: the programs ship as plain .py files (the Lab runs
// them from there, and a teacher may open or edit them), and the caller says where they are
// (src-main/core/lessons/programs in the source tree; a packaged app passes its copy), because a
// bundled module cannot tell by itself.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StartRunRequest } from '../../common/lab';
import type { Lesson, LessonProgram } from '../../common/lessons';
import { BUILTIN_LESSONS, type LessonSpec } from './builtin';
import { findLifecycleLines } from './lifecycle-lines';

/**
 * Every built-in lesson, in course order. Never throws for a missing or unreadable program:
 * that lesson comes back with `error` set (and the program's source null), the others intact.
 */
export function listLessons(root: string): Lesson[] {
  return BUILTIN_LESSONS.map((spec) => loadLesson(root, spec));
}

function loadLesson(root: string, spec: LessonSpec): Lesson {
  const problems: string[] = [];
  const programs = spec.programs.map((file): LessonProgram => {
    try {
      return { file, source: readFileSync(join(root, file), 'utf8') };
    } catch (error) {
      problems.push(`cannot read ${file}: ${describe(error)}`);
      return { file, source: null };
    }
  });
  return {
    ...spec,
    programs,
    lifecycleLines: programs.flatMap(({ file, source }) =>
      source === null ? [] : findLifecycleLines(file, source),
    ),
    error: problems.length === 0 ? null : problems.join('; '),
  };
}

function describe(error: unknown): string {
  // Node's fs errors carry a code (ENOENT, EACCES) that says more than the message's wording.
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === undefined ? error.message : `${code} (${error.message})`;
  }
  return String(error);
}

/**
 * The Lab request that runs one variation of a lesson (its default when none is named).
 * Throws for a lesson that cannot run or a variation it does not have: both are the caller's
 * mistake, since the UI only offers what the catalog listed.
 */
export function lessonRunRequest(
  root: string,
  lesson: Lesson,
  variationId: string = lesson.defaultVariation,
): StartRunRequest {
  if (lesson.error !== null) {
    throw new Error(`Lesson ${lesson.number} cannot run: ${lesson.error}`);
  }
  const variation = lesson.variations.find(({ id }) => id === variationId);
  if (variation === undefined) {
    throw new Error(`Lesson ${lesson.number} has no variation "${variationId}"`);
  }
  return {
    kind: 'python',
    file: join(root, variation.program),
    args: [...variation.args],
    cwd: root,
    title: `${lesson.number}. ${lesson.title}: ${variation.label}`,
    lesson: { lessonId: lesson.id, variation: variation.id },
  };
}
