// The keyboard map, in one list, so the help overlay can never disagree with what the keys do.

export interface Shortcut {
  keys: string;
  description: string;
  group: 'Anywhere' | 'System' | 'Lab' | 'Timeline' | 'Lessons';
}

export const SHORTCUTS: Shortcut[] = [
  { keys: '?', description: 'Show or hide this list', group: 'Anywhere' },
  { keys: 'Alt+1 … Alt+5', description: 'Switch view', group: 'Anywhere' },
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

/** True when a key press belongs to a text field and must not be taken as a shortcut. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}
