// The arithmetic behind wrapped output: how many rows a line takes, and which lines are on screen.
import { describe, expect, it } from 'vitest';
import {
  expandTabs,
  lineAtRow,
  lineColumns,
  rowStarts,
  rowsOf,
  wrappedWindow,
} from '../../src-renderer/src/lib/wrapped-lines';

describe('lineColumns and expandTabs', () => {
  it('counts a column per character, two for wide ones, none for combining marks', () => {
    expect(lineColumns('process id (pid): 4123')).toBe(22);
    expect(lineColumns('日本')).toBe(4);
    expect(lineColumns('e\u0301')).toBe(1);
    expect(lineColumns('ok 🎉')).toBe(5);
  });

  it('expands tabs to the next stop, so the count is what is drawn', () => {
    expect(expandTabs('a\tb')).toBe('a       b');
    expect(expandTabs('12345678\tx')).toBe('12345678        x');
    expect(lineColumns(expandTabs('\t\t'))).toBe(16);
  });
});

describe('rowsOf', () => {
  it('wraps between words as the browser does, never to fewer than one row', () => {
    expect(rowsOf('', 10)).toBe(1);
    expect(rowsOf('0123456789', 10)).toBe(1);
    // "item 5: 5 x" fits in 11 columns; "5 = 25," goes on, then "handled by", then "worker".
    expect(rowsOf('item 5: 5 x 5 = 25, handled by worker', 11)).toBe(4);
    // Spaces at the end of a row hang instead of starting the next one.
    expect(rowsOf('abcde     fghij', 5)).toBe(2);
  });

  it('breaks a word longer than a row, and counts wide characters twice', () => {
    expect(rowsOf('x'.repeat(25), 10)).toBe(3);
    expect(rowsOf(`ab ${'x'.repeat(25)}`, 10)).toBe(4);
    expect(rowsOf('日本語の文', 4)).toBe(3);
    expect(rowsOf('abc', 0)).toBe(3);
  });
});

describe('the window of lines on screen', () => {
  const starts = rowStarts([1, 3, 1, 1, 2, 1]);

  it('knows where each line starts', () => {
    expect(starts).toEqual([0, 1, 4, 5, 6, 8, 9]);
    expect(lineAtRow(starts, 0)).toBe(0);
    expect(lineAtRow(starts, 1)).toBe(1);
    expect(lineAtRow(starts, 3.5)).toBe(1);
    expect(lineAtRow(starts, 4)).toBe(2);
    expect(lineAtRow(starts, 100)).toBe(5);
  });

  it('renders the lines that reach into the viewport, and a few either side', () => {
    // Rows of 10 px: a 25 px viewport at 15 px shows rows 1.5 to 4, lines 1 and 2.
    expect(wrappedWindow(starts, 15, 25, 10, 0)).toEqual({ start: 1, end: 3 });
    expect(wrappedWindow(starts, 15, 25, 10, 2)).toEqual({ start: 0, end: 5 });
    expect(wrappedWindow(rowStarts([]), 0, 100, 10)).toEqual({ start: 0, end: 0 });
  });
});
