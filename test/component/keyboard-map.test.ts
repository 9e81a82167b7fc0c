// The `?` overlay is the app's one keyboard map: for the Lab and the Lessons, every key they take
// is listed there, and every key listed there does what it says — pressed in the mounted view.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import LabView from '../../src-renderer/src/components/lab/LabView.svelte';
import LessonsView from '../../src-renderer/src/components/lessons/LessonsView.svelte';
import { LabStore } from '../../src-renderer/src/lib/lab.svelte';
import { LessonsStore } from '../../src-renderer/src/lib/lessons.svelte';
import {
  LAB_SHORTCUTS,
  LESSONS_SHORTCUTS,
  SHORTCUTS,
  TIMELINE_SHORTCUTS,
  keyName,
  labShortcut,
  lessonsShortcut,
  type Shortcut,
} from '../../src-renderer/src/lib/shortcuts';
import { SYSTEM_SHORTCUTS } from '../../src-renderer/src/lib/system-shortcuts';
import { created, labBridge, pausedAtStart, summary } from './lab-fixtures';
import { LESSONS_ROOT, lessonsBridge, programLine } from './lessons-fixtures';

// Every key a keyboard can send that could be taken for a shortcut, with every modifier.
const NAMED = [
  'Enter',
  'Escape',
  'Tab',
  'Backspace',
  'Delete',
  'Insert',
  'Home',
  'End',
  'PageUp',
  'PageDown',
  'ArrowUp',
  'ArrowDown',
  'ArrowLeft',
  'ArrowRight',
  ...Array.from({ length: 12 }, (_, i) => `F${i + 1}`),
];
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
const MODIFIERS = [{}, { ctrlKey: true }, { metaKey: true }, { altKey: true }, { shiftKey: true }];
const EVERY_KEY = [...NAMED, ...PRINTABLE].flatMap((key) =>
  MODIFIERS.map((modifiers) => new KeyboardEvent('keydown', { key, ...modifiers })),
);

/** How the overlay writes a key the matchers name ("n" → N, " " → Space, "ctrl+enter"…). */
function written(name: string): string {
  const named: Record<string, string> = { ' ': 'Space', escape: 'Esc', 'ctrl+enter': 'Ctrl Enter' };
  return named[name] ?? name.toUpperCase();
}

/** The keys an overlay line names: "N or Space" → N, Space; "1 … 9" → 1 to 9. */
function keysOf(shortcut: Shortcut): string[] {
  const range = /^(\d) … (\d)$/.exec(shortcut.keys);
  if (range) {
    const [from, to] = [Number(range[1]), Number(range[2])];
    return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
  }
  return shortcut.keys.split(' or ');
}

describe('every key the Lab and the Lessons take is in the overlay', () => {
  for (const [view, matcher, listed] of [
    ['Lab', (event: KeyboardEvent) => labShortcut(event), LAB_SHORTCUTS],
    [
      'Lessons',
      (event: KeyboardEvent) => lessonsShortcut(event)?.action ?? null,
      LESSONS_SHORTCUTS,
    ],
  ] as const) {
    it(`${view}: a key that does something is listed by that key`, () => {
      const taken = EVERY_KEY.filter((event) => matcher(event) !== null).map(keyName);
      expect(taken.length).toBeGreaterThan(3);
      const all = listed.flatMap(keysOf);
      for (const name of new Set(taken))
        expect(all, `${view} takes ${name}`).toContain(written(name));
    });
  }

  it('has one step key for the Lab and the Lessons, a key no other view means otherwise', () => {
    const step = (list: Shortcut[]) =>
      list.find((s) => s.description.startsWith('Step mode: let the first'));
    expect(step(LAB_SHORTCUTS)?.keys).toBe('N or Space');
    expect(step(LESSONS_SHORTCUTS)?.keys).toBe('N or Space');
    const elsewhere = [...SHORTCUTS, ...SYSTEM_SHORTCUTS, ...TIMELINE_SHORTCUTS].flatMap((s) =>
      s.keys.split(/\s+or\s+|,\s*|\s+\/\s+|\s{2,}/),
    );
    expect(elsewhere).not.toContain('N');
    expect(EVERY_KEY.filter((e) => e.key === 's' || e.key === 'S').map(labShortcut)).toEqual(
      EVERY_KEY.filter((e) => e.key === 's' || e.key === 'S').map(() => null),
    );
  });
});

/**
 * End in the output: scrolled up (the test DOM has no layout, so the output is given a height),
 * "↓ Latest" offers the way back; End takes it.
 */
async function expectEndFollows(): Promise<void> {
  const output = screen.getByTestId('output');
  Object.defineProperty(output, 'scrollHeight', { value: 1000, configurable: true });
  Object.defineProperty(output, 'clientHeight', { value: 100, configurable: true });
  output.scrollTop = 0;
  await fireEvent.scroll(output);
  await screen.findByRole('button', { name: /Latest/ });
  await fireEvent.keyDown(output, { key: 'End' });
  await expect.poll(() => screen.queryByRole('button', { name: /Latest/ })).toBeNull();
}

/** What pressing each listed key must do, keyed by the overlay's line. */
type Checks = Record<string, () => Promise<void>>;

/** Step mode's keys, the same in the Lab and the Lessons, with run-1 held at a pause. */
function stepChecks(calls: (method: string) => unknown[]): Checks {
  return {
    'N or Space': async () => {
      await pressEach(['N']);
      await pressEach(['Space'], document.body);
      expect(calls('lab.step')).toEqual([
        { runId: 'run-1', action: 'step' },
        { runId: 'run-1', action: 'step' },
      ]);
    },
    C: async () => {
      await pressEach(['C']);
      expect(calls('lab.step').at(-1)).toEqual({ runId: 'run-1', action: 'continue' });
    },
  };
}

function pressEach(keys: string[], target: Element | Window = window) {
  return Promise.all(
    keys.map((key) =>
      key === 'Ctrl Enter'
        ? fireEvent.keyDown(target, { key: 'Enter', ctrlKey: true })
        : fireEvent.keyDown(target, {
            key: key === 'Space' ? ' ' : key === 'Esc' ? 'Escape' : key.toLowerCase(),
          }),
    ),
  );
}

describe('every key the overlay lists does what it says', { timeout: 30_000 }, () => {
  it('in the Lab', async () => {
    const bridge = labBridge(
      {
        runs: [
          summary({ stepMode: true }),
          summary({ id: 'run-0', startedAt: 0, state: 'exited' }),
        ],
        log: pausedAtStart(created()),
      },
      {
        'lab.stop': ({ runId }) => summary({ id: runId, state: 'stopped' }),
        'lab.input': ({ runId }) => summary({ id: runId, stepMode: true }),
      },
    );
    const lab = new LabStore(bridge.asBridge());
    render(LabView, { lab });
    await screen.findByTestId('step-banner');
    const calls = (method: string) =>
      bridge.calls.filter((call) => call.method === method).map((call) => call.params);
    const checks: Checks = {
      ...stepChecks(calls),
      '↑ ↓ Home End': async () => {
        const runs = screen.getByRole('listbox', { name: /^Runs/ });
        const before = lab.selectedId;
        await fireEvent.keyDown(runs, { key: 'End' });
        await expect.poll(() => lab.selectedId).not.toBe(before);
        await fireEvent.keyDown(runs, { key: 'Home' });
        await expect.poll(() => lab.selectedId).toBe(before);
      },
      End: expectEndFollows,
      Enter: async () => {
        const field = screen.getByLabelText('Input', { exact: true });
        await fireEvent.input(field, { target: { value: 'Ada' } });
        await fireEvent.keyDown(field, { key: 'Enter' });
        await expect
          .poll(() => calls('lab.input'))
          .toEqual([{ runId: 'run-1', text: 'Ada\n', eof: false }]);
      },
      'Ctrl D': async () => {
        await fireEvent.keyDown(screen.getByLabelText('Input', { exact: true }), {
          key: 'd',
          ctrlKey: true,
        });
        await expect
          .poll(() => calls('lab.input').at(-1))
          .toEqual({ runId: 'run-1', text: '', eof: true });
      },
      'Ctrl Enter': async () => {
        await fireEvent.input(screen.getByLabelText('Script', { exact: true }), {
          target: { value: '/home/me/a.py' },
        });
        await pressEach(['Ctrl Enter']);
        await expect.poll(() => calls('lab.start')).toHaveLength(1);
        lab.select('run-1');
      },
    };
    // The list and the checks name the same keys; run last, since a new run stops the paused one.
    expect(LAB_SHORTCUTS.map((shortcut) => shortcut.keys).sort()).toEqual(
      Object.keys(checks).sort(),
    );
    for (const check of Object.values(checks)) await check();
  });

  it('in the Lessons', async () => {
    const line = programLine('06_join.py', 'process_1.start()');
    const paused = pausedAtStart(
      created(),
      { file: `${LESSONS_ROOT}/06_join.py`, line },
      '    process_1.start()',
    );
    const bridge = lessonsBridge({ logs: new Map([['run-1', paused.events]]) });
    const lab = new LabStore(bridge.asBridge());
    const lessons = new LessonsStore(bridge.asBridge(), lab);
    const view = render(LessonsView, { lessons, lab, classroom: false });
    await screen.findByRole('heading', { name: 'What is a process?' });
    const calls = (method: string) =>
      bridge.calls.filter((call) => call.method === method).map((call) => call.params);
    const title = () => screen.getByTestId('lesson-title').textContent;
    const checks: Checks = {
      'J or ]': async () => {
        await pressEach(['J']);
        expect(title()).toBe('The lifecycle: New, Running, Terminated');
        await pressEach([']']);
        expect(title()).toBe('A target with arguments');
      },
      'K or [': async () => {
        await pressEach(['K']);
        expect(title()).toBe('The lifecycle: New, Running, Terminated');
        await pressEach(['[']);
        expect(title()).toBe('What is a process?');
        for (let i = 1; i < 6; i++) await pressEach(['J']);
        expect(title()).toBe('join(): waiting for children');
      },
      '1 … 9': async () => {
        await pressEach(['2']);
        expect(screen.getByRole('radio', { name: 'With join()' })).toBeChecked();
        await pressEach(['1']);
        expect(screen.getByRole('radio', { name: 'Without join()' })).toBeChecked();
        // Lesson 6 has two: 9 chooses nothing.
        await pressEach(['9']);
        expect(screen.getByRole('radio', { name: 'Without join()' })).toBeChecked();
      },
      T: async () => {
        await pressEach(['T']);
        expect(screen.getByRole('checkbox', { name: /Step mode/ })).toBeChecked();
      },
      R: async () => {
        await pressEach(['R']);
        await expect.poll(() => calls('lessons.run')).toHaveLength(1);
        expect(calls('lessons.run')[0]).toMatchObject({ variation: 'no-join', stepMode: true });
        await screen.findByTestId('paused-here');
      },
      ...stepChecks(calls),
      'X or Esc': async () => {
        await pressEach(['X', 'Esc']);
        expect(calls('lab.stop')).toEqual([{ runId: 'run-1' }, { runId: 'run-1' }]);
      },
      End: expectEndFollows,
      '↑ ↓ Home End': async () => {
        const list = screen.getByRole('listbox', { name: 'Lessons' });
        await fireEvent.keyDown(list, { key: 'ArrowDown' });
        expect(title()).toBe('A process can be started only once');
        await fireEvent.keyDown(list, { key: 'Home' });
        expect(title()).toBe('What is a process?');
      },
      '← → Home End': async () => {
        // The tabs are the classroom layout's.
        await view.rerender({ lessons, lab, classroom: true });
        const tabs = screen.getByRole('tablist');
        await fireEvent.keyDown(tabs, { key: 'ArrowRight' });
        expect(within(tabs).getByRole('tab', { selected: true })).toHaveTextContent('Story');
        await fireEvent.keyDown(tabs, { key: 'End' });
        expect(within(tabs).getByRole('tab', { selected: true })).toHaveTextContent('About');
      },
    };
    expect([...LESSONS_SHORTCUTS.map((shortcut) => shortcut.keys)].sort()).toEqual(
      Object.keys(checks).sort(),
    );
    for (const check of Object.values(checks)) await check();
  });
});
