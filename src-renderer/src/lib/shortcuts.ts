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

/**
 * A key the Lab or the Lessons take from the whole window: as the overlay lists it, what it does,
 * and the key presses that do it, named by keyName(). The matchers read these same tables, so
 * a key can do nothing that is not listed.
 */
interface Binding<A> extends Shortcut {
  action: A;
  match: readonly string[];
}

/** A key press as the tables name it: "n", " ", "escape", "ctrl+enter" (⌘ counts as Ctrl). */
export function keyName(event: KeyboardEvent): string {
  const mods = `${event.ctrlKey || event.metaKey ? 'ctrl+' : ''}${event.altKey ? 'alt+' : ''}`;
  // Shift is part of what a printable key types ("?" is Shift+/), so only named keys carry it.
  const shift = event.shiftKey && event.key.length > 1 ? 'shift+' : '';
  return `${mods}${shift}${event.key.toLowerCase()}`;
}

export type StepKey = 'step' | 'continue';

/**
 * Step mode's keys, one vocabulary in the Lab and the Lessons: N (and Space) for the next call,
 * C to continue, as a debugger has them — on keys no other view gives a meaning (S suspends a
 * process in System).
 */
export const STEP_KEYS = { step: 'N', alsoStep: 'Space', continue: 'C' } as const;

function stepBindings(group: 'Lab' | 'Lessons'): Binding<StepKey>[] {
  return [
    {
      keys: `${STEP_KEYS.step} or ${STEP_KEYS.alsoStep}`,
      description: 'Step mode: let the first paused call go on',
      group,
      action: 'step',
      match: ['n', ' '],
    },
    {
      keys: STEP_KEYS.continue,
      description: 'Step mode: let every paused process run on',
      group,
      action: 'continue',
      match: ['c'],
    },
  ];
}

/** Keys a focused part of the view takes for itself; listed, so the overlay tells all. */
function outputKeys(group: 'Lab' | 'Lessons'): Shortcut[] {
  return [
    { keys: 'End', description: 'In the output: jump to the newest line and follow it', group },
  ];
}

/** The input line under the Lab's output, as on a terminal. */
function inputKeys(group: 'Lab'): Shortcut[] {
  return [
    { keys: 'Enter', description: 'In the input line: send the line to the program', group },
    { keys: 'Ctrl D', description: 'In the input line: end the input (end of file)', group },
  ];
}

export type LabKey = 'run' | StepKey;

const LAB_BINDINGS: Binding<LabKey>[] = [
  {
    keys: 'Ctrl Enter',
    description: 'Run the program in the form',
    group: 'Lab',
    action: 'run',
    match: ['ctrl+enter'],
  },
  ...stepBindings('Lab'),
];

/** The Lab's keys; shown by the overlay while the Lab is open, matched by labShortcut(). */
export const LAB_SHORTCUTS: Shortcut[] = [
  ...LAB_BINDINGS,
  { keys: '↑ ↓ Home End', description: 'In the runs: select another run', group: 'Lab' },
  ...outputKeys('Lab'),
  ...inputKeys('Lab'),
];

/** The Lab action a key press on the window asks for (see LAB_BINDINGS). */
export function labShortcut(event: KeyboardEvent): LabKey | null {
  return match(LAB_BINDINGS, event)?.action ?? null;
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

export type LessonsAction =
  StepKey | 'run' | 'stop' | 'step-mode' | 'next' | 'previous' | 'variation';

const LESSONS_BINDINGS: Binding<LessonsAction>[] = [
  {
    keys: 'R',
    description: 'Run the lesson (the chosen “Try this”)',
    group: 'Lessons',
    action: 'run',
    match: ['r'],
  },
  {
    keys: 'X or Esc',
    description: 'Stop the run',
    group: 'Lessons',
    action: 'stop',
    match: ['x', 'escape'],
  },
  ...stepBindings('Lessons'),
  {
    keys: 'T',
    description: 'Step mode on / off',
    group: 'Lessons',
    action: 'step-mode',
    match: ['t'],
  },
  {
    keys: '1 … 9',
    description: 'Choose a “Try this” variation',
    group: 'Lessons',
    action: 'variation',
    match: ['1', '2', '3', '4', '5', '6', '7', '8', '9'],
  },
  {
    keys: 'J or ]',
    description: 'Next lesson',
    group: 'Lessons',
    action: 'next',
    match: ['j', ']'],
  },
  {
    keys: 'K or [',
    description: 'Previous lesson',
    group: 'Lessons',
    action: 'previous',
    match: ['k', '['],
  },
];

/** The Lessons screen's keys; shown by the overlay while it is open, matched by lessonsShortcut(). */
export const LESSONS_SHORTCUTS: Shortcut[] = [
  ...LESSONS_BINDINGS,
  { keys: '← → Home End', description: 'On the tabs: show another panel', group: 'Lessons' },
  {
    keys: '↑ ↓ Home End',
    description: 'In the list of lessons: open another lesson',
    group: 'Lessons',
  },
  ...outputKeys('Lessons'),
];

export interface LessonsKey {
  action: LessonsAction;
  /** Which variation, from 0, for 'variation'. */
  index: number;
}

/** The Lessons action a key press on the window asks for (see LESSONS_BINDINGS). */
export function lessonsShortcut(event: KeyboardEvent): LessonsKey | null {
  const binding = match(LESSONS_BINDINGS, event);
  if (!binding) return null;
  return { action: binding.action, index: binding.match.indexOf(keyName(event)) };
}

/**
 * The binding a key press on the window asks for. Plain keys never while typing (a ticked
 * checkbox or a chosen radio keeps the focus but takes no letters, so they still count); and
 * Space only where it does nothing of its own (on a focused button it presses the button).
 */
function match<A>(bindings: readonly Binding<A>[], event: KeyboardEvent): Binding<A> | null {
  const name = keyName(event);
  const plain = !/^(ctrl|alt|shift)\+/.test(name);
  if (plain && isTyping(event.target) && !isToggle(event.target)) return null;
  if (name === ' ' && ownsSpace(event.target)) return null;
  return bindings.find((binding) => binding.match.includes(name)) ?? null;
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
