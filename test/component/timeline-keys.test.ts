// The Timeline's keys: listed in the ? overlay exactly as they act, and none taken from a view
// that mounts the Timeline or sits next to it.
import { describe, expect, it } from 'vitest';
import {
  LAB_SHORTCUTS,
  LESSONS_SHORTCUTS,
  TIMELINE_SHORTCUTS,
  labShortcut,
  lessonsShortcut,
  timelineShortcut,
} from '../../src-renderer/src/lib/shortcuts';
import { SYSTEM_SHORTCUTS } from '../../src-renderer/src/lib/system-shortcuts';
import { actionForKey } from '../../src-renderer/src/lib/process-labels';

const key = (value: string) => new KeyboardEvent('keydown', { key: value });

describe('the Timeline’s keys', () => {
  it('list the replay keys in the overlay, and act on them', () => {
    const listed = TIMELINE_SHORTCUTS.map((shortcut) => shortcut.keys);
    expect(listed).toEqual(expect.arrayContaining(['L', ', / .', '< / >']));
    expect(timelineShortcut(key('l'))).toBe('play');
    expect(timelineShortcut(key('L'))).toBe('play');
    expect(timelineShortcut(key(','))).toBe('previous-event');
    expect(timelineShortcut(key('.'))).toBe('next-event');
    expect(timelineShortcut(key('<'))).toBe('slower');
    expect(timelineShortcut(key('>'))).toBe('faster');
    // Ctrl with + − 0 is the app's text size.
    expect(timelineShortcut(new KeyboardEvent('keydown', { key: '+', ctrlKey: true }))).toBeNull();
  });

  it('take no key the Lab, the Lessons or System act on', () => {
    const replay = ['l', ',', '.', '<', '>'];
    for (const value of replay) {
      const event = key(value);
      expect(labShortcut(event), value).toBeNull();
      expect(lessonsShortcut(event), value).toBeNull();
      expect(actionForKey(event), value).toBeUndefined();
    }
    const others = [...LAB_SHORTCUTS, ...LESSONS_SHORTCUTS, ...SYSTEM_SHORTCUTS].map((s) =>
      s.keys.toLowerCase(),
    );
    for (const value of replay)
      expect(
        others.some((keys) => keys.split(/[\s/]+|\bor\b/).includes(value)),
        value,
      ).toBe(false);
  });
});
