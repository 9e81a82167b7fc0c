// The keyboard map, in one list, so the help overlay can never disagree with what the keys do.
import { VIEWS } from './views';

export interface Shortcut {
  keys: string;
  description: string;
  group: 'Anywhere' | 'System' | 'Lab' | 'Timeline' | 'Lessons';
}

export const SHORTCUTS: Shortcut[] = [
  { keys: '?', description: 'Show or hide this list', group: 'Anywhere' },
  ...VIEWS.map((view, index): Shortcut => ({
    keys: `Alt ${index + 1}`,
    description: `Go to ${view.label}`,
    group: 'Anywhere',
  })),
  { keys: 'Ctrl + / Ctrl −', description: 'Larger / smaller text', group: 'Anywhere' },
  { keys: 'Ctrl 0', description: 'Reset text size', group: 'Anywhere' },
  { keys: 'Ctrl Shift P', description: 'Classroom mode on / off', group: 'Anywhere' },
];

/** The Lab's keys; shown by the overlay while the Lab is open, matched by labShortcut(). */
export const LAB_SHORTCUTS: Shortcut[] = [
  { keys: 'Ctrl Enter', description: 'Run the program in the form', group: 'Lab' },
  { keys: 'S', description: 'Step mode: let the first paused call go on', group: 'Lab' },
  { keys: 'C', description: 'Step mode: let every paused process run on', group: 'Lab' },
  { keys: 'End', description: 'Output: jump to the newest line and follow it', group: 'Lab' },
];

export type LabKey = 'run' | 'step' | 'continue';

/** The Lab action a key press asks for. S and C are plain letters, so never while typing. */
export function labShortcut(event: KeyboardEvent): LabKey | null {
  const mod = event.ctrlKey || event.metaKey;
  if (mod && !event.altKey && !event.shiftKey && event.key === 'Enter') return 'run';
  if (mod || event.altKey || isTyping(event.target)) return null;
  if (event.key === 's' || event.key === 'S') return 'step';
  if (event.key === 'c' || event.key === 'C') return 'continue';
  return null;
}

/**
 * The Timeline's keys, taken while it has the focus (in the Lab and the Lessons alike); shown by
 * the overlay wherever a Timeline is, matched by timelineShortcut(). The replay keys are a video
 * editor's (L plays, comma and period step, < and > change speed) on keys no view uses: P pauses
 * System, J and K move between lessons, Space and N step.
 */
export const TIMELINE_SHORTCUTS: Shortcut[] = [
  { keys: 'Ctrl + wheel, pinch', description: 'Zoom around the pointer', group: 'Timeline' },
  { keys: '+ / −', description: 'Zoom in / out', group: 'Timeline' },
  { keys: '0', description: 'Fit the whole run', group: 'Timeline' },
  { keys: '← / →, drag', description: 'Move through time (Shift: faster)', group: 'Timeline' },
  {
    keys: 'Wheel, ↑ / ↓',
    description: 'Scroll lanes / select the previous or next lane',
    group: 'Timeline',
  },
  { keys: 'Enter', description: "Show or hide the selected process's threads", group: 'Timeline' },
  { keys: 'E', description: 'Read the next exception’s traceback', group: 'Timeline' },
  { keys: 'End', description: 'Follow the live run again', group: 'Timeline' },
  { keys: 'L', description: 'Replay: play / pause', group: 'Timeline' },
  { keys: ', / .', description: 'Replay: previous / next event', group: 'Timeline' },
  { keys: '< / >', description: 'Replay: slower / faster (¼× to 2×)', group: 'Timeline' },
];

export type TimelineKey =
  | 'zoom-in'
  | 'zoom-out'
  | 'fit'
  | 'earlier'
  | 'later'
  | 'up'
  | 'down'
  | 'toggle'
  | 'exception'
  | 'home'
  | 'end'
  | 'close'
  | 'play'
  | 'previous-event'
  | 'next-event'
  | 'slower'
  | 'faster';

const TIMELINE_KEYS: Record<string, TimelineKey> = {
  '+': 'zoom-in',
  '=': 'zoom-in',
  '-': 'zoom-out',
  _: 'zoom-out',
  '0': 'fit',
  ArrowLeft: 'earlier',
  ArrowRight: 'later',
  ArrowUp: 'up',
  ArrowDown: 'down',
  Enter: 'toggle',
  ' ': 'toggle',
  e: 'exception',
  Home: 'home',
  End: 'end',
  Escape: 'close',
  l: 'play',
  ',': 'previous-event',
  '.': 'next-event',
  '<': 'slower',
  '>': 'faster',
};

/** The Timeline action a key press asks for. Ctrl/⌘ with + − 0 belong to the app (text size). */
export function timelineShortcut(event: KeyboardEvent): TimelineKey | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  return TIMELINE_KEYS[event.key.length === 1 ? event.key.toLowerCase() : event.key] ?? null;
}

/** The Lessons screen's keys; shown by the overlay while it is open, matched by lessonsShortcut(). */
export const LESSONS_SHORTCUTS: Shortcut[] = [
  { keys: 'R', description: 'Run the lesson (the chosen “Try this”)', group: 'Lessons' },
  { keys: 'X or Esc', description: 'Stop the run', group: 'Lessons' },
  { keys: 'N or Space', description: 'Step mode: let the paused call go on', group: 'Lessons' },
  { keys: 'C', description: 'Step mode: let every paused process run on', group: 'Lessons' },
  { keys: 'T', description: 'Step mode on / off', group: 'Lessons' },
  { keys: '1 … 4', description: 'Choose a “Try this” variation', group: 'Lessons' },
  { keys: 'J or ]', description: 'Next lesson', group: 'Lessons' },
  { keys: 'K or [', description: 'Previous lesson', group: 'Lessons' },
];

export type LessonsKey =
  | { action: 'run' | 'stop' | 'step' | 'continue' | 'step-mode' | 'next' | 'previous' }
  | { action: 'variation'; index: number };

const LESSON_KEYS: Record<string, LessonsKey> = {
  r: { action: 'run' },
  x: { action: 'stop' },
  Escape: { action: 'stop' },
  n: { action: 'step' },
  ' ': { action: 'step' },
  c: { action: 'continue' },
  t: { action: 'step-mode' },
  j: { action: 'next' },
  ']': { action: 'next' },
  k: { action: 'previous' },
  '[': { action: 'previous' },
};

/**
 * The Lessons action a key press asks for. Plain keys, so never while typing; and Space only
 * where it does nothing of its own (on a focused button it presses the button).
 */
export function lessonsShortcut(event: KeyboardEvent): LessonsKey | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  // A ticked checkbox or a chosen radio keeps the focus, but takes no letters: R still runs.
  if (isTyping(event.target) && !isToggle(event.target)) return null;
  if (event.key === ' ' && ownsSpace(event.target)) return null;
  if (/^[1-9]$/.test(event.key)) return { action: 'variation', index: Number(event.key) - 1 };
  return LESSON_KEYS[event.key.length === 1 ? event.key.toLowerCase() : event.key] ?? null;
}

function isToggle(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLInputElement && (target.type === 'checkbox' || target.type === 'radio')
  );
}

function ownsSpace(target: EventTarget | null): boolean {
  return (
    target instanceof Element &&
    target.closest(
      'button, input, a[href], summary, [role="option"], [role="radio"], [role="checkbox"], [role="tab"], [role="application"]',
    ) !== null
  );
}

/** True when a key press belongs to a text field and must not be taken as a shortcut. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}
