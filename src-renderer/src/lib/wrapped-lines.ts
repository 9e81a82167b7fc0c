// Output lines wrap (a pid, a traceback, a counter at the end of a long line must never be cut
// off), yet only the lines on screen may be in the DOM. Output is monospace, so how many rows a
// line wraps to follows from its length in columns and the columns that fit: positions are
// estimated from that, and the visible lines are laid out in normal flow between two spacers,
// so an estimate that is off (a wide glyph the font draws narrower) shifts the scroll position a
// little but never makes lines overlap or clip.

/** Characters a monospace font draws two columns wide: CJK, Hangul, fullwidth forms, emoji. */
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|\p{Extended_Pictographic}/u;
/** Drawn on top of the character before: no column of their own. */
const ZERO_WIDTH = /\p{M}|[\u200b-\u200f\u2060]|\ufe0f/u;
/** A tab stop every this many columns, as a terminal has it. */
export const TAB_COLUMNS = 8;

/** A line as it is shown: tabs expanded to spaces, so its columns are what the count says. */
export function expandTabs(text: string): string {
  if (!text.includes('\t')) return text;
  let out = '';
  let column = 0;
  for (const char of text) {
    if (char === '\t') {
      const pad = TAB_COLUMNS - (column % TAB_COLUMNS);
      out += ' '.repeat(pad);
      column += pad;
    } else {
      out += char;
      column += columnsOf(char);
    }
  }
  return out;
}

function columnsOf(char: string): number {
  if (ZERO_WIDTH.test(char)) return 0;
  return WIDE.test(char) ? 2 : 1;
}

/** Columns a (tab-expanded) line takes. */
export function lineColumns(text: string): number {
  // The common case, plain ASCII, without walking the string.
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  let columns = 0;
  for (const char of text) columns += columnsOf(char);
  return columns;
}

/**
 * Rows a (tab-expanded) line wraps to when `fit` columns fit in a row, breaking between words as
 * the browser does (CSS pre-wrap, overflow-wrap: anywhere): a word that does not fit on the row
 * goes to the next, a word longer than a row is broken, and spaces at a row's end hang.
 */
export function rowsOf(text: string, fit: number): number {
  const width = Math.max(1, fit);
  let rows = 1;
  let used = 0;
  for (const [, spaces = '', word = ''] of text.matchAll(/( *)([^ ]*)/g)) {
    if (spaces === '' && word === '') continue;
    const gap = spaces.length;
    let columns = lineColumns(word);
    if (used > 0 && used + gap + columns > width && columns > 0) {
      rows += 1;
      used = 0;
    } else {
      used += gap;
    }
    if (used === 0 && columns > width) {
      rows += Math.ceil(columns / width) - 1;
      columns = columns % width || width;
    }
    used += columns;
  }
  return rows;
}

/**
 * Where each line starts, in rows from the top: `starts[i]` for line i, and `starts[n]` the total.
 * One pass over the lines: cheap next to laying out even the few that are shown.
 */
export function rowStarts(rows: readonly number[]): number[] {
  const starts = new Array<number>(rows.length + 1);
  starts[0] = 0;
  for (let i = 0; i < rows.length; i++) starts[i + 1] = (starts[i] as number) + (rows[i] as number);
  return starts;
}

/** The first line that reaches below `row` (binary search over the starts). */
export function lineAtRow(starts: readonly number[], row: number): number {
  const lines = starts.length - 1;
  let low = 0;
  let high = lines;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((starts[middle + 1] as number) <= row) low = middle + 1;
    else high = middle;
  }
  return Math.min(low, Math.max(0, lines - 1));
}

export interface LineWindow {
  /** First line to render. */
  start: number;
  /** One past the last line to render. */
  end: number;
}

/** The lines on screen, in a viewport `scrollTop` px down, plus `overscan` either side. */
export function wrappedWindow(
  starts: readonly number[],
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  overscan = 8,
): LineWindow {
  const lines = starts.length - 1;
  if (lines <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = lineAtRow(starts, Math.max(0, scrollTop) / rowHeight);
  const last = lineAtRow(
    starts,
    (Math.max(0, scrollTop) + Math.max(0, viewportHeight)) / rowHeight,
  );
  return { start: Math.max(0, first - overscan), end: Math.min(lines, last + 1 + overscan) };
}
