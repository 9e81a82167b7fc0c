// The values a lesson's results show, read from what its program printed.
import { describe, expect, it } from 'vitest';
import { readValues, type LessonReadout } from '../../../src-main/common/lessons';
import { BUILTIN_LESSONS } from '../../../src-main/core/lessons/builtin';

describe('readValues', () => {
  const readouts: LessonReadout[] = [
    { pattern: String.raw`step (?<step>\d+)$`, show: 'got to step {step}', last: true },
    { pattern: String.raw`exitcode (?<code>-?\d+)`, show: 'exit code {code}' },
    { pattern: String.raw`cleaning up$`, show: 'cleaned up', absent: 'never cleaned up' },
  ];

  it('reads one value per matching line, in the order printed, the last only where asked', () => {
    const lines = ['working, step 1', 'working, step 2', 'the child ended with exitcode 0'];
    expect(readValues(readouts, lines)).toEqual([
      'got to step 2',
      'exit code 0',
      'never cleaned up',
    ]);
  });

  it('writes a real minus sign, and says nothing it did not read', () => {
    expect(readValues(readouts, ['exitcode -15', 'cleaning up'])).toEqual([
      'exit code \u221215',
      'cleaned up',
    ]);
    expect(readValues([readouts[1] as LessonReadout], ['nothing here'])).toEqual([]);
  });

  it('counts a line for the first readout it matches only', () => {
    const twice: LessonReadout[] = [
      { pattern: 'a', show: 'first' },
      { pattern: 'ab', show: 'second' },
    ];
    expect(readValues(twice, ['ab'])).toEqual(['first']);
  });

  it("every built-in lesson's readouts are valid patterns whose names fill their text", () => {
    for (const lesson of BUILTIN_LESSONS)
      for (const readout of lesson.readouts) {
        const groups = [...readout.show.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
        const names = [...readout.pattern.matchAll(/\(\?<(\w+)>/g)].map((match) => match[1]);
        expect(names, `${lesson.id}: ${readout.show}`).toEqual(expect.arrayContaining(groups));
        expect(() => new RegExp(readout.pattern)).not.toThrow();
      }
  });
});
