import { cpSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lesson } from '../../../src-main/common/lessons';
import { lessonRunRequest, listLessons } from '../../../src-main/core/lessons/catalog';
import { LESSONS_ROOT } from './run-lesson';

const lessons = listLessons(LESSONS_ROOT);

function lesson(id: string): Lesson {
  const found = lessons.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no lesson ${id}`);
  return found;
}

describe('the built-in lessons', () => {
  it('are numbered 1 to 10 in order, with unique ids', () => {
    expect(lessons.map(({ number }) => number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(lessons.map(({ id }) => id)).size).toBe(lessons.length);
  });

  it.each(lessons.map((entry) => [entry.number, entry] as const))(
    'lesson %i is complete and consistent',
    (_number, entry) => {
      expect(entry.error).toBeNull();
      for (const program of entry.programs) {
        expect(program.source, program.file).toMatch(/if __name__ == "__main__":/);
      }
      for (const text of [entry.title, entry.summary, entry.watch]) expect(text).not.toBe('');
      // "2-4 sentences": count the full stops that end one (not those inside "p.start()").
      const sentences = entry.explanation.match(/[.!?](?:\s|$)/g) ?? [];
      expect(sentences.length).toBeGreaterThanOrEqual(2);
      expect(sentences.length).toBeLessThanOrEqual(4);
      expect(entry.observations.length).toBeGreaterThan(0);

      const files = entry.programs.map(({ file }) => file);
      const ids = entry.variations.map(({ id }) => id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toContain(entry.defaultVariation);
      for (const variation of entry.variations) expect(files).toContain(variation.program);
      // Every program is run by some variation, or it would be unreachable from the UI.
      for (const file of files) {
        expect(entry.variations.map(({ program }) => program)).toContain(file);
      }
      expect(entry.lifecycleLines.length).toBeGreaterThan(0);
    },
  );
});

describe('a lesson whose program cannot be read', () => {
  let copy: string | undefined;
  afterEach(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it('carries the error in its own entry; the other lessons are unaffected', () => {
    copy = mkdtempSync(join(tmpdir(), 'procscope-lessons-'));
    cpSync(LESSONS_ROOT, copy, { recursive: true });
    unlinkSync(join(copy, '08_queue_and_pipe.py'));

    const listed = listLessons(copy);
    expect(listed).toHaveLength(lessons.length);
    const broken = listed.find(({ id }) => id === 'shared-state');
    expect(broken?.error).toMatch(/08_queue_and_pipe\.py.*ENOENT/);
    expect(broken?.programs.map(({ source }) => source === null)).toEqual([false, true]);
    // The readable program of the same lesson still has its lines marked.
    expect(broken?.lifecycleLines.every(({ file }) => file === '08_shared_state.py')).toBe(true);
    expect(broken?.lifecycleLines.length).toBeGreaterThan(0);
    expect(listed.filter(({ error }) => error !== null)).toHaveLength(1);

    expect(() => lessonRunRequest(copy ?? '', broken as Lesson)).toThrow(/cannot run/);
  });

  it('leaves every lesson with an error when the root does not exist, without throwing', () => {
    const listed = listLessons(join(tmpdir(), 'procscope-no-such-lessons-dir'));
    expect(listed).toHaveLength(lessons.length);
    expect(listed.every(({ error }) => error !== null)).toBe(true);
  });
});

describe('lessonRunRequest', () => {
  it('runs the default variation of the lesson, from the lessons root', () => {
    expect(lessonRunRequest(LESSONS_ROOT, lesson('join'))).toEqual({
      kind: 'python',
      file: join(LESSONS_ROOT, '06_join.py'),
      args: ['--no-join'],
      cwd: LESSONS_ROOT,
      title: '6. join(): waiting for children: Without join()',
      lesson: { lessonId: 'join', variation: 'no-join' },
    });
  });

  it('runs a named variation, of whichever program it names', () => {
    const request = lessonRunRequest(LESSONS_ROOT, lesson('shared-state'), 'pipe');
    expect(request.file).toBe(join(LESSONS_ROOT, '08_queue_and_pipe.py'));
    expect(request.args).toEqual(['--pipe']);
  });

  it('refuses a variation the lesson does not have', () => {
    expect(() => lessonRunRequest(LESSONS_ROOT, lesson('join'), 'nope')).toThrow(/no variation/);
  });
});
