// The Lessons screen against a fake backend: the list and its keys, one-click runs of the chosen
// variation, the code view's lifecycle marks and step-mode highlight, wall times compared across
// runs, the narration, and what it says when there is no Python.
import type { LabEvent } from '$common/lab';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import LessonsView from '../../src-renderer/src/components/lessons/LessonsView.svelte';
import { LabStore } from '../../src-renderer/src/lib/lab.svelte';
import { LessonsStore } from '../../src-renderer/src/lib/lessons.svelte';
// For its window.__procscopeTimeline declaration.
import type {} from '../../src-renderer/src/lib/timeline/hook';
import { LESSONS_ROOT, lessonsBridge, programLine } from './lessons-fixtures';
import { ROOT, created, pausedAtStart, summary } from './lab-fixtures';
import { loadLog } from './timeline-fixtures';

async function setup(options: Parameters<typeof lessonsBridge>[0] = {}, classroom = false) {
  const bridge = lessonsBridge(options);
  const lab = new LabStore(bridge.asBridge());
  const lessons = new LessonsStore(bridge.asBridge(), lab);
  render(LessonsView, { lessons, lab, classroom });
  await screen.findByRole('heading', { name: 'What is a process?' });
  const calls = (method: string) =>
    bridge.calls.filter((call) => call.method === method).map((call) => call.params);
  return { bridge, lab, lessons, calls };
}

const key = (k: string) => fireEvent.keyDown(window, { key: k });

/** A run of lesson 6 held at the first start(), in step mode. */
function pausedAtFirstStart() {
  return pausedAtStart(
    created(),
    { file: `${LESSONS_ROOT}/06_join.py`, line: programLine('06_join.py', 'process_1.start()') },
    '    process_1.start()',
  );
}
const heading = () => screen.getByTestId('lesson-title');

async function openLesson(number: number): Promise<void> {
  for (let i = 1; i < number; i++) await key('j');
  await expect.poll(() => screen.getByText(`Lesson ${number} of 10`)).toBeTruthy();
}

describe('the lesson list', () => {
  it('lists the ten lessons with number, title and summary, the first one open', async () => {
    await setup();
    const options = screen.getAllByRole('option');
    expect(options).toHaveLength(10);
    expect(options[5]).toHaveTextContent(
      /^6 join\(\): waiting for children Without join\(\) the main program races ahead/,
    );
    expect(options[0]).toHaveAttribute('aria-selected', 'true');
    expect(heading()).toHaveTextContent('What is a process?');
  });

  it('moves with the arrows in the list, and with J / K or ] / [ anywhere', async () => {
    await setup();
    const list = screen.getByRole('listbox', { name: 'Lessons' });
    await fireEvent.keyDown(list, { key: 'ArrowDown' });
    expect(heading()).toHaveTextContent('The lifecycle: New, Running, Terminated');
    await fireEvent.keyDown(list, { key: 'End' });
    expect(heading()).toHaveTextContent('A pool of workers');
    await key('j');
    expect(heading()).toHaveTextContent('A pool of workers');
    await key('k');
    await key('[');
    expect(heading()).toHaveTextContent('Sharing state');
    await key(']');
    expect(heading()).toHaveTextContent('The GIL');
    await fireEvent.click(screen.getAllByRole('option')[0] as HTMLElement);
    expect(heading()).toHaveTextContent('What is a process?');
  });

  it('shows the lesson: explanation, what to watch, and observations the teacher ticks', async () => {
    await setup();
    await openLesson(6);
    expect(screen.getByText(/Two children each print/)).toBeInTheDocument();
    expect(screen.getByText('What to watch').nextElementSibling).toHaveTextContent(
      "Where the main program's script finishes",
    );
    const observations = within(screen.getByTestId('observations')).getAllByRole('checkbox');
    expect(observations).toHaveLength(4);
    await fireEvent.click(observations[1] as HTMLElement);
    expect(observations[1]).toBeChecked();
    expect(screen.getByText('1 / 4')).toBeInTheDocument();
    // Ticks belong to the lesson: they are there again when the teacher comes back.
    await key('j');
    expect(screen.getByText('0 / 4')).toBeInTheDocument();
    await key('k');
    expect(screen.getByText('1 / 4')).toBeInTheDocument();
  });
});

describe('running a lesson', () => {
  it('runs the chosen variation with one click, in step mode when it is ticked', async () => {
    const { calls, lab } = await setup();
    await openLesson(6);
    expect(screen.getByRole('radio', { name: 'Without join()' })).toBeChecked();
    await fireEvent.click(screen.getByRole('button', { name: /^Run/ }));
    await fireEvent.click(screen.getByRole('radio', { name: 'With join()' }));
    await fireEvent.click(screen.getByRole('checkbox', { name: /Step mode/ }));
    await fireEvent.click(screen.getByRole('button', { name: /^Run/ }));
    // Keys: 1 picks the first variation, T turns step mode off again, R runs — also from the
    // checkbox just clicked, which keeps the focus but takes no letters.
    await key('1');
    await key('t');
    await fireEvent.keyDown(screen.getByRole('checkbox', { name: /Step mode/ }), { key: 'r' });
    await expect.poll(() => calls('lessons.run')).toHaveLength(3);
    expect(calls('lessons.run')).toEqual([
      { lessonId: 'join', variation: 'no-join', stepMode: false },
      { lessonId: 'join', variation: 'join', stepMode: true },
      { lessonId: 'join', variation: 'no-join', stepMode: false },
    ]);
    // The new run is the one on screen, in the Lab too.
    await expect.poll(() => lab.selectedId).toBe('run-3');
  });

  it('leaves R and the digits to text fields while typing', async () => {
    const { calls } = await setup({ python: { python: null, configured: null, problem: 'x' } });
    const field = screen.getByLabelText('Path to a Python interpreter');
    await fireEvent.keyDown(field, { key: 'r' });
    await fireEvent.keyDown(field, { key: 'j' });
    expect(calls('lessons.run')).toEqual([]);
    expect(heading()).toHaveTextContent('What is a process?');
  });

  it('marks the lifecycle lines of the program before anything runs', async () => {
    await setup();
    await openLesson(6);
    const lines = screen.getAllByTestId('code-line');
    const marked = lines
      .filter((line) => line.dataset.lifecycle)
      .map((line) => [Number(line.dataset.line), line.dataset.lifecycle]);
    expect(marked).toEqual([
      [programLine('06_join.py', 'process_1 = Process('), 'create'],
      [programLine('06_join.py', 'process_2 = Process('), 'create'],
      [programLine('06_join.py', 'process_1.start()'), 'start'],
      [programLine('06_join.py', 'process_2.start()'), 'start'],
      [programLine('06_join.py', 'process_1.join()'), 'join'],
      [programLine('06_join.py', 'process_2.join()'), 'join'],
    ]);
    expect(lines[0]).toHaveTextContent('1 """Lesson 6: join() - waiting for children.');
    expect(screen.getByText('06_join.py --no-join')).toBeInTheDocument();
    await key('2');
    expect(screen.getByText('06_join.py --join')).toBeInTheDocument();
  });

  it('highlights the line a paused process is held at, and steps with N, Space and C', async () => {
    const line = programLine('06_join.py', 'process_1.start()');
    const log = pausedAtFirstStart();
    const { calls } = await setup({ logs: new Map([['run-1', log.events]]) });
    await openLesson(6);
    await key('t');
    await key('r');
    const paused = await screen.findByTestId('paused-here');
    expect(paused).toHaveTextContent('MainProcess paused');
    const row = paused.closest('li') as HTMLElement;
    expect(row).toHaveAttribute('aria-current', 'step');
    expect(Number(row.dataset.line)).toBe(line);
    expect(screen.getAllByTestId('code-line').filter((l) => l.ariaCurrent)).toHaveLength(1);
    expect(screen.getByTestId('lesson-paused')).toHaveTextContent(
      `Paused: MainProcess at Process-1.start() (line ${line})`,
    );
    // A stepped run's wall time would measure the teacher's pauses: it is not timed.
    expect(screen.getByTestId('results')).toHaveTextContent('Step mode: this run is not timed');
    expect(screen.queryAllByTestId('result')).toEqual([]);
    await key('n');
    await key(' ');
    await key('c');
    // Space on a focused button is the button's, not a step.
    screen.getByRole('button', { name: /^Run/ }).focus();
    await fireEvent.keyDown(document.activeElement as Element, { key: ' ' });
    expect(calls('lab.step')).toEqual([
      { runId: 'run-1', action: 'step' },
      { runId: 'run-1', action: 'step' },
      { runId: 'run-1', action: 'continue' },
    ]);
  });

  it('highlights one line per paused process, each with its name', async () => {
    const log = created();
    for (const [pid, name, text] of [
      [ROOT, 'MainProcess', 'process_1.start()'],
      [ROOT + 1, 'Process-1', 'process_2.start()'],
    ] as const) {
      if (name !== 'MainProcess')
        log.add({ kind: 'mp.running', pid, tid: pid, proc: `${ROOT}:1`, name });
      log.add({
        kind: 'step.paused',
        pid,
        tid: pid,
        pause: 1,
        call: 'Process.start',
        obj: null,
        at: { file: `${LESSONS_ROOT}/06_join.py`, line: programLine('06_join.py', text) },
        code: text,
      });
    }
    await setup({ logs: new Map([['run-1', log.events]]) });
    await openLesson(6);
    await key('t');
    await key('r');
    await expect
      .poll(() => screen.queryAllByTestId('paused-here').map((tag) => tag.textContent?.trim()))
      .toEqual(['MainProcess paused', 'Process-1 paused']);
  });

  it("shows each variation's last run side by side: the program's own time, end to end as small print", async () => {
    const logs = new Map<string, LabEvent[]>([
      ['run-1', loadLog('two-sleepers-no-join')],
      ['run-2', loadLog('two-sleepers-join')],
    ]);
    const { bridge } = await setup({ logs });
    await openLesson(6);
    expect(screen.getByTestId('results')).toHaveTextContent('Run the lesson');
    await key('r');
    const row = (variation: string) =>
      screen.getAllByTestId('result').find((element) => element.dataset.variation === variation);
    // What the program measured itself (it printed 0.01 s), not the 48 ms since the run began.
    await expect.poll(() => row('no-join')?.dataset.us).toBe('10000');
    expect(within(row('no-join') as HTMLElement).getByTestId('headline')).toHaveTextContent(
      /^10 ms$/,
    );
    expect(row('no-join')).toHaveTextContent('it printed “Wall time: 0.01 s”');
    // The run ends: its time is kept for the comparison once the next run is on screen.
    bridge.emit(
      'lab.run',
      summary({
        id: 'run-1',
        state: 'exited',
        exitCode: 0,
        lesson: { lessonId: 'join', variation: 'no-join' },
      }),
    );
    await key('2');
    await key('r');
    await expect.poll(() => row('join')?.dataset.us).toBe('1010000');
    expect(row('join')).toHaveTextContent(/1\.01 s.*end to end 1\.06 s/);
    expect(row('no-join')).toHaveTextContent(/10 ms.*end to end 1\.06 s/);
    expect(row('join')).toHaveClass('current');
    expect(row('no-join')).not.toHaveClass('current');
    // A row brings its run back on screen.
    await fireEvent.click(within(row('no-join') as HTMLElement).getByRole('button'));
    await expect.poll(() => row('no-join')?.classList.contains('current')).toBe(true);
  });

  it('tells the run as it happens, in a polite live region', async () => {
    await setup({ logs: new Map([['run-1', loadLog('terminate-kill')]]) });
    await openLesson(5);
    await key('r');
    const story = screen.getByTestId('narration');
    expect(story).toHaveAttribute('aria-live', 'polite');
    await expect
      .poll(() => story.textContent)
      .toContain('join() returned: Process-1 was killed by SIGTERM → exitcode −15');
    expect(story.lastElementChild).toHaveTextContent('MainProcess exited → exitcode 0');
  });
});

describe('results that last', () => {
  const ended = (id: string, variation: string, startedAt: number) =>
    summary({
      id,
      state: 'exited',
      exitCode: 0,
      startedAt,
      lesson: { lessonId: 'join', variation },
    });

  /** A fresh page: nothing in memory, two ended runs of lesson 6 in the backend's list. */
  function reloaded() {
    const logs = new Map<string, LabEvent[]>([
      ['old-1', loadLog('two-sleepers-no-join')],
      ['old-2', loadLog('two-sleepers-join')],
    ]);
    const bridge = lessonsBridge({
      logs,
      runs: [ended('old-1', 'no-join', 1000), ended('old-2', 'join', 2000)],
    });
    const lab = new LabStore(bridge.asBridge());
    const lessons = new LessonsStore(bridge.asBridge(), lab);
    render(LessonsView, { lessons, lab, classroom: true });
    return { lab, lessons, logs };
  }

  it('come back after a reload: the runs the backend holds are filed under their variations', async () => {
    const { lab } = reloaded();
    // It opens where the class was: the lesson of the newest run, that run on screen.
    await screen.findByRole('heading', { name: 'join(): waiting for children' });
    const rows = () => screen.queryAllByTestId('result');
    await expect.poll(() => rows().map((row) => row.dataset.us)).toEqual(['10000', '1010000']);
    await expect.poll(() => lab.selectedId).toBe('old-2');
    expect(rows()[1]).toHaveClass('current');
  });

  it('are compared on one Timeline, each run headed by its variation and its figure', async () => {
    const { lessons, logs } = reloaded();
    const compare = await screen.findByRole('checkbox', { name: 'Compare on the Timeline' });
    await fireEvent.click(compare);
    await expect
      .poll(() => lessons.compared.map(({ key, title, figure }) => ({ key, title, figure })))
      .toEqual([
        { key: 'old-1', title: 'Without join()', figure: '10 ms' },
        { key: 'old-2', title: 'With join()', figure: '1.01 s' },
      ]);
    // Stacked on the one Timeline, in the order of the variations.
    await expect
      .poll(() => window.__procscopeTimeline?.runs.map(({ title }) => title))
      .toEqual(['Without join()', 'With join()']);
    expect(lessons.compared[0]?.events).toEqual(logs.get('old-1'));
    // One of them can be left out, and put back.
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Compare “Without join()”' }));
    expect(lessons.compared.map(({ key }) => key)).toEqual(['old-2']);
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Compare “Without join()”' }));
    expect(lessons.compared.map(({ key }) => key)).toEqual(['old-1', 'old-2']);
  });
});

describe('results from recordings', () => {
  it('a recording of a lesson run, opened after the backend restarted, is filed under its variation', async () => {
    const recorded = summary({
      id: 'replay-1',
      title: 'join: with join() (recording)',
      state: 'exited',
      exitCode: 0,
      lesson: { lessonId: 'join', variation: 'join' },
    });
    const bridge = lessonsBridge({
      logs: new Map([['replay-1', loadLog('two-sleepers-join')]]),
      recordings: new Map([['/home/teacher/lesson6.procscope.json.gz', recorded]]),
    });
    const lab = new LabStore(bridge.asBridge());
    const lessons = new LessonsStore(bridge.asBridge(), lab);
    render(LessonsView, { lessons, lab, classroom: true });
    await screen.findByRole('heading', { name: 'What is a process?' });
    expect(await lab.openRecording('/home/teacher/lesson6.procscope.json.gz')).toBe(true);
    lessons.select('join');
    await screen.findByRole('heading', { name: 'join(): waiting for children' });
    await expect
      .poll(() => screen.queryAllByTestId('result').map((row) => row.dataset.variation))
      .toEqual(['join']);
    await expect.poll(() => screen.getByTestId('result').dataset.us).toBe('1010000');
  });
});

describe('step mode is safe', () => {
  it('Run while a run is paused stops the paused run first: none is left waiting unseen', async () => {
    const log = pausedAtFirstStart();
    const { bridge, calls } = await setup({ logs: new Map([['run-1', log.events]]) });
    await openLesson(6);
    await key('t');
    await key('r');
    await screen.findByTestId('paused-here');
    await key('r');
    await expect.poll(() => calls('lessons.run')).toHaveLength(2);
    expect(calls('lab.stop')).toEqual([{ runId: 'run-1' }]);
    const order = bridge.calls.map(({ method }) => method);
    expect(order.lastIndexOf('lab.stop')).toBeLessThan(order.lastIndexOf('lessons.run'));
  });
});

describe('without Python', () => {
  it('says so, says how to install it or point at one, and cannot run', async () => {
    const problem = 'No python3 or python on PATH.';
    await setup({ python: { python: null, configured: null, problem } });
    const help = screen.getByTestId('python-missing');
    expect(help).toHaveTextContent(problem);
    expect(help).toHaveTextContent('winget install Python.Python.3.12');
    expect(help).toHaveTextContent('brew install python');
    expect(help).toHaveTextContent('sudo apt install python3');
    expect(within(help).getByRole('button', { name: 'Use this Python' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /^Run/ })).toBeDisabled();
  });
});

describe('classroom mode', () => {
  it('has no list column, moves with ‹ ›, and keeps the story, program, output and words in tabs', async () => {
    await setup({}, true);
    expect(screen.queryByRole('listbox')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Next lesson' }));
    expect(heading()).toHaveTextContent('The lifecycle');
    const tabs = screen.getAllByRole('tab').map((tab) => tab.textContent);
    expect(tabs).toEqual(['Results', 'Story', 'Program', 'Output', 'About']);
    expect(screen.getByRole('tab', { name: 'Results' })).toHaveAttribute('aria-selected', 'true');
    await fireEvent.click(screen.getByRole('tab', { name: 'Program' }));
    expect(screen.getAllByTestId('code-line').length).toBeGreaterThan(10);
    // Stepping is about the highlighted line: the code leaves the tabs for the Timeline's side.
    await key('t');
    expect(screen.getAllByRole('tab').map((tab) => tab.textContent)).toEqual([
      'Results',
      'Story',
      'Output',
      'About',
    ]);
    expect(screen.getAllByTestId('code-line').length).toBeGreaterThan(10);
    expect(screen.getByRole('tab', { name: 'Results' })).toHaveAttribute('aria-selected', 'true');
  });
});
