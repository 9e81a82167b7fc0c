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

/** True when a key press belongs to a text field and must not be taken as a shortcut. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}
