// What a class-share viewer is shown of the teacher's files: names, never where they live.
// Every string of every payload sent to a viewer goes through here, so a field added later is
// covered without anyone remembering to list it: a lesson's "06_join.py" stays, the teacher's
// "/home/ana/course/06_join.py" becomes "06_join.py", a traceback's frames name files only.
import type { LabEvent } from '../../common/lab';

// A quoted path may hold spaces (tracebacks quote theirs); an unquoted one ends at whitespace.
// The look-behind keeps "12/05", "MB/s" and "http://host/a" as they are.
const QUOTED_PATH = /(["'])((?:~|[A-Za-z]:)?[\\/][^"'\n]*?)\1/g;
const WHOLE_PATH = /^(?:~|[A-Za-z]:)?[\\/][^\n"']*$/;
const BARE_PATH = /(?<![\w.~/\\:-])(?:~|[A-Za-z]:)?(?:[\\/][^\\/\s"'`<>|:*?]+)+[\\/]?/g;

function lastSegment(path: string): string {
  const parts = path.split(/[\\/]+/).filter((part) => part !== '');
  return parts.at(-1) ?? '';
}

export function redactText(text: string): string {
  if (!text.includes('/') && !text.includes('\\')) return text;
  // A value that is a path as a whole (an argument, a cwd) may hold spaces: keep its name only.
  if (WHOLE_PATH.test(text)) return lastSegment(text);
  return text
    .replace(
      QUOTED_PATH,
      (_match, quote: string, path: string) => `${quote}${lastSegment(path)}${quote}`,
    )
    .replace(BARE_PATH, (path) => lastSegment(path));
}

/** A copy of any JSON-like value with every path in every string reduced to its last name. */
export function redact<T>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redact(item)) as T;
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    // A working directory is all path: even its last name says more than a viewer needs.
    for (const [key, item] of Object.entries(value))
      copy[key] = key === 'cwd' && typeof item === 'string' ? '' : redact(item);
    return copy as T;
  }
  return value;
}

// Logged events never change, and every viewer is sent the same ones (pushed once to all, and
// fetched again by each on connect), so each is redacted once.
const redactedEvents = new WeakMap<LabEvent, LabEvent>();

export function redactEvents(events: readonly LabEvent[]): LabEvent[] {
  return events.map((event) => {
    let redacted = redactedEvents.get(event);
    if (!redacted) redactedEvents.set(event, (redacted = redact(event)));
    return redacted;
  });
}
