// Finds the lines of a lesson program that make lifecycle calls, so the source view can mark
// them before anything runs. The lessons are our own small programs, so a look at the code with
// comments and string text blanked out is enough: this is not a Python parser, and the lesson
// tests check its answers against the call sites the tracer records.

import type { LifecycleCall, LifecycleLine } from '../../common/lessons';

const PATTERNS: ReadonlyArray<readonly [LifecycleCall, RegExp]> = [
  ['create', /\b(?:Process|Thread)\s*\(/],
  ['pool', /\b(?:Pool|ProcessPoolExecutor)\s*\(/],
  ['start', /\.start\(\s*\)/],
  ['is_alive', /\.is_alive\(\s*\)/],
  // Not str.join: a blanked string literal still ends in its quote, never in a name or bracket.
  ['join', /[\w)\]]\.join\(/],
  ['terminate', /\.terminate\(\s*\)/],
  ['kill', /\.kill\(\s*\)/],
  ['send', /\.(?:put|send)\(/],
  ['receive', /\.(?:get|recv)\(/],
  ['map', /\.(?:map|imap|imap_unordered|starmap|map_async|starmap_async|apply_async|submit)\(/],
];

export function findLifecycleLines(file: string, source: string): LifecycleLine[] {
  return codeOnly(source)
    .split('\n')
    .flatMap((text, index) =>
      PATTERNS.filter(([, pattern]) => pattern.test(text)).map(([call]) => ({
        file,
        line: index + 1,
        call,
      })),
    );
}

/**
 * The source with comments and the text of string literals (docstrings included) turned into
 * spaces, line breaks kept so that line numbers still match. The expressions inside an
 * f-string's braces stay: `f"{p.is_alive()}"` does call is_alive().
 */
export function codeOnly(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    if (ch === '#') {
      const end = lineEnd(source, i);
      out += blank(source.slice(i, end));
      i = end;
    } else if (ch === '"' || ch === "'") {
      const [text, end] = stringLiteral(source, i, isFString(source, i));
      out += text;
      i = end;
    } else {
      out += ch;
      i += 1;
    }
  }
  return out;
}

/** Whether the quote at `quote` opens an f-string: its prefix (f, rf, Fr…) contains an f. */
function isFString(source: string, quote: number): boolean {
  const prefix = /(?:^|\W)([rRbBuUfF]{1,2})$/.exec(source.slice(Math.max(0, quote - 3), quote));
  return prefix?.[1]?.toLowerCase().includes('f') ?? false;
}

/** The literal that starts at `start`, blanked, and the index just past it. */
function stringLiteral(source: string, start: number, fString: boolean): [string, number] {
  const quote = source[start] ?? '"';
  const close = source.startsWith(quote.repeat(3), start) ? quote.repeat(3) : quote;
  let out = blank(close);
  let i = start + close.length;
  while (i < source.length) {
    if (source.startsWith(close, i)) return [out + blank(close), i + close.length];
    const ch = source[i];
    // An unterminated one-line string ends at the line's end, as far as we are concerned.
    if (ch === '\n' && close.length === 1) break;
    if (ch === '\\') {
      // Even in a raw string a backslash keeps the next quote from closing the literal.
      out += blank(source.slice(i, i + 2));
      i += 2;
    } else if (fString && ch === '{' && source[i + 1] !== '{') {
      const end = closingBrace(source, i);
      out += ' ' + source.slice(i + 1, end) + ' ';
      i = end + 1;
    } else if (fString && ch === '{') {
      out += '  ';
      i += 2;
    } else {
      out += blank(ch ?? '');
      i += 1;
    }
  }
  return [out, i];
}

function closingBrace(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i += 1) {
    if (source[i] === '{') depth += 1;
    else if (source[i] === '}' && --depth === 0) return i;
  }
  return source.length;
}

function lineEnd(source: string, from: number): number {
  const end = source.indexOf('\n', from);
  return end === -1 ? source.length : end;
}

function blank(text: string): string {
  return text.replace(/[^\n]/g, ' ');
}
