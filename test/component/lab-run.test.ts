import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import OutputPanel from '../../src-renderer/src/components/lab/OutputPanel.svelte';
import LabView from '../../src-renderer/src/components/lab/LabView.svelte';
import { ApiCallError } from '../../src-renderer/src/lib/bridge.svelte';
import { LabStore } from '../../src-renderer/src/lib/lab.svelte';
import type { OutputLine } from '../../src-renderer/src/lib/lab-model';
// For its window.__procscopeTimeline declaration.
import type {} from '../../src-renderer/src/lib/timeline/hook';
import { CHILD_1, CHILD_2, ROOT, finished, joining, labBridge, summary } from './lab-fixtures';

async function showRun(
  log = finished(),
  run = summary({ state: 'exited', exitCode: 0, endedAt: Date.now() }),
) {
  const bridge = labBridge({ runs: [run], log });
  const lab = new LabStore(bridge.asBridge());
  render(LabView, { lab });
  await screen.findByTestId('process-tree');
  return { bridge, lab };
}

/** Each process row as its cells' text. */
const rows = () =>
  screen
    .getAllByTestId('process-row')
    .map((row) =>
      [...(row as HTMLTableRowElement).cells].map((cell) =>
        cell.textContent?.replace(/\s+/g, ' ').trim(),
      ),
    );

describe('the selected run', () => {
  it('shows its processes as a tree with lifecycle badges, threads and exit codes', async () => {
    await showRun();
    expect(rows()).toEqual([
      ['MainProcess', `${ROOT}`, 'exit 0', 'lesson.py', '0.00 → 0.03 s', ''],
      ['Process-1', `${CHILD_1}`, 'exit 0', 'target=do_something', '0.01 → 0.02 s', ''],
      [
        'Process-2',
        `${CHILD_2}`,
        'exit 0',
        "target=do_something args=('Hi',)",
        '0.01 → 0.02 s',
        '',
      ],
    ]);
    const tree = screen.getByTestId('process-tree');
    expect(
      within(tree)
        .getAllByTestId('thread-row')
        .map((row) => row.dataset.tid),
    ).toEqual([String(ROOT), String(CHILD_1), String(CHILD_2)]);
    // Nothing left to signal in a finished run.
    expect(within(tree).queryAllByRole('button')).toEqual([]);
    expect(screen.getByTestId('run-header')).toHaveTextContent('exit 0');
  });

  it('signals a live process from its row', async () => {
    const { bridge } = await showRun(joining(), summary());
    await fireEvent.click(screen.getByRole('button', { name: `Kill Process-1 (pid ${CHILD_1})` }));
    await fireEvent.click(
      screen.getByRole('button', { name: `Terminate Process-2 (pid ${CHILD_2})` }),
    );
    await fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    expect(bridge.calls.filter((c) => /^lab\.(signal|stop)$/.test(c.method))).toEqual([
      { method: 'lab.signal', params: { runId: 'run-1', pid: CHILD_1, action: 'kill' } },
      { method: 'lab.signal', params: { runId: 'run-1', pid: CHILD_2, action: 'terminate' } },
      { method: 'lab.stop', params: { runId: 'run-1' } },
    ]);
    const waiting = screen.getAllByTestId('process-row')[0];
    expect(waiting).toHaveTextContent('Waiting in Process-1.join()');
  });

  it('puts an exception where it cannot be missed, with its traceback one click away', async () => {
    const log = joining();
    log
      .add({
        kind: 'mp.exception',
        pid: CHILD_1,
        proc: `${ROOT}:1`,
        type: 'NameError',
        message: "name 'name' is not defined",
        traceback: 'Traceback (most recent call last):\n  File "/home/me/lesson.py", line 8',
      })
      .add({
        kind: 'mp.exit',
        pid: CHILD_1,
        proc: `${ROOT}:1`,
        childPid: CHILD_1,
        exitCode: 1,
        by: 'child',
      });
    await showRun(log, summary());
    const problem = within(screen.getByTestId('problems')).getByRole('alert');
    expect(problem).toHaveTextContent(`NameError in Process-1 (pid ${CHILD_1})`);
    expect(problem).toHaveTextContent("name 'name' is not defined");
    const details = problem.querySelector('details') as HTMLDetailsElement;
    expect(details.open).toBe(false);
    expect(details).toHaveTextContent('Traceback (most recent call last)');
    expect(rows()[1]?.[2]).toBe('exit 1 (NameError)');
  });

  it('shows the output of every process with its pid, filterable per process', async () => {
    await showRun();
    const output = screen.getByTestId('output');
    const texts = () =>
      within(output)
        .getAllByTestId('output-line')
        .map((line) => line.textContent?.replace(/\s+/g, ' ').trim());
    expect(texts()).toEqual([
      `${CHILD_1} I'm going to sleep`,
      `${CHILD_2} I'm going to sleep`,
      `${CHILD_1} I'm awake`,
      `${CHILD_2} I'm awake`,
      `${ROOT} Wall time: 1.01 s`,
    ]);
    await fireEvent.change(screen.getByLabelText('Show output of'), {
      target: { value: String(CHILD_2) },
    });
    expect(texts()).toEqual([`${CHILD_2} I'm going to sleep`, `${CHILD_2} I'm awake`]);
    expect(screen.getByTestId('output-count')).toHaveTextContent('2 lines');
  });

  it('keeps the elapsed time of a running run ticking while summaries stream in', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    try {
      const run = summary({ startedAt: Date.now() });
      const { bridge } = await showRun(joining(), run);
      const elapsed = () => screen.getByTestId('run-elapsed').textContent;
      expect(elapsed()).toBe('running for 0.00 s');
      for (let i = 1; i <= 6; i++) {
        bridge.emit('lab.run', { ...run, lastSeq: 100 + i });
        await tick();
        vi.advanceTimersByTime(500);
      }
      await tick();
      expect(elapsed()).toBe('running for 3.00 s');
    } finally {
      vi.useRealTimers();
    }
  });

  it('moves between runs with the arrow keys, newest first', async () => {
    const older = summary({ id: 'run-0', title: 'older.py', startedAt: 1000, state: 'exited' });
    const newer = summary({ id: 'run-1', title: 'newer.py', startedAt: 2000, state: 'exited' });
    const bridge = labBridge({ runs: [older, newer], log: finished() });
    render(LabView, { lab: new LabStore(bridge.asBridge()) });
    const runs = () => within(screen.getByRole('listbox', { name: /Runs/ })).getAllByRole('option');
    await screen.findByTestId('process-tree');
    const options = runs();
    expect(options.map((option) => option.textContent?.match(/\w+\.py/)?.[0])).toEqual([
      'newer.py',
      'older.py',
    ]);
    expect(options[0]).toHaveAttribute('aria-selected', 'true');
    await fireEvent.keyDown(options[0]!, { key: 'ArrowDown' });
    await expect.poll(() => runs()[1]).toHaveAttribute('aria-selected', 'true');
    expect(runs()[1]).toHaveFocus();
    expect(bridge.calls.filter((call) => call.method === 'lab.events').at(-1)?.params).toEqual({
      runId: 'run-0',
    });
  });

  it('says what the Lab does and how to start when there is no run yet', async () => {
    const lab = new LabStore(labBridge().asBridge());
    render(LabView, { lab });
    const empty = screen.getByTestId('lab-empty');
    expect(empty).toHaveTextContent('Run a program and watch its processes live');
    await fireEvent.click(within(empty).getByRole('button', { name: 'Type a script path' }));
    expect(screen.getByLabelText('Script')).toHaveFocus();
  });
});

describe('comparing any runs', () => {
  it('stacks the runs ticked with Compare on one Timeline, and takes them out again', async () => {
    const first = summary({ id: 'run-1', title: 'first', state: 'exited', startedAt: 1 });
    const second = summary({ id: 'run-0', title: 'second', state: 'exited', startedAt: 0 });
    const bridge = labBridge({ runs: [first, second], log: finished() });
    const lab = new LabStore(bridge.asBridge());
    render(LabView, { lab });
    await screen.findByTestId('process-tree');
    const compare = () => screen.getByRole('button', { name: 'Compare' });
    await fireEvent.click(compare());
    expect(compare()).toHaveAttribute('aria-pressed', 'true');
    // One run is not a comparison: the Timeline still shows the selected run alone.
    expect(screen.queryByTestId('lab-comparing')).toBeNull();
    lab.select('run-0');
    await expect.poll(() => compare().getAttribute('aria-pressed')).toBe('false');
    await fireEvent.click(compare());
    const bar = await screen.findByTestId('lab-comparing');
    expect(bar).toHaveTextContent('Comparing 2 runs');
    // Both logs, the ticked run's held though another is on screen, in the order of the list.
    await expect
      .poll(() => window.__procscopeTimeline?.runs.map(({ title }) => title))
      .toEqual(['first', 'second']);
    expect(lab.compared.map(({ events }) => events.length)).toEqual([
      finished().events.length,
      finished().events.length,
    ]);
    await fireEvent.click(within(bar).getByRole('button', { name: 'first ✕' }));
    expect(screen.queryByTestId('lab-comparing')).toBeNull();
    expect(lab.held.get('run-1')).toBeUndefined();
  });
});

describe('OutputPanel', () => {
  const line = (
    id: number,
    pid: number | null,
    text: string,
    extra: Partial<OutputLine> = {},
  ): OutputLine => ({
    id,
    pid,
    stream: 'stdout',
    text,
    dropped: 0,
    ...extra,
  });

  it('sets stderr apart, marks dropped bytes, and says how much was dropped', () => {
    render(OutputPanel, {
      lines: [
        line(0, 7, 'fine'),
        line(1, 7, 'Traceback', { stream: 'stderr' }),
        line(2, 7, '', { dropped: 4096 }),
      ],
      evicted: 0,
      processes: [],
      droppedBytes: 4096,
    });
    const lines = screen.getAllByTestId('output-line');
    expect(lines[1]).toHaveClass('stderr');
    expect(lines[1]).toHaveTextContent('stderr: Traceback');
    expect(lines[0]).not.toHaveClass('stderr');
    expect(lines[2]).toHaveTextContent('4.0 KiB dropped here');
    expect(screen.getByTestId('output-dropped')).toHaveTextContent(
      '4.0 KiB of output were dropped',
    );
  });

  it('renders only a window of a flood of lines', () => {
    const flood = Array.from({ length: 5000 }, (_, i) => line(i, 1, `line ${i}`));
    render(OutputPanel, { lines: flood, evicted: 95_000, processes: [], droppedBytes: 512 });
    expect(screen.getAllByTestId('output-line').length).toBeLessThan(100);
    expect(screen.getByTestId('output-count')).toHaveTextContent('5,000 lines (last 5,000 kept)');
    expect(screen.getByTestId('output-dropped')).toHaveTextContent(
      '512 bytes of output were dropped',
    );
  });
});

describe('the run’s Timeline', () => {
  it('marks the process picked on the Timeline in the process tree', async () => {
    await showRun();
    const stage = screen.getByRole('application');
    await fireEvent.keyDown(stage, { key: 'ArrowDown' });
    await tick();
    const focused = screen
      .getAllByTestId('process-row')
      .filter((row) => row.classList.contains('focused'));
    expect(focused.map((row) => row.dataset.pid)).toEqual([`${ROOT}`]);
    await fireEvent.keyDown(stage, { key: 'ArrowDown' });
    await tick();
    expect(
      screen.getAllByTestId('process-row').some((row) => row.classList.contains('focused')),
    ).toBe(false);
    const thread = screen
      .getAllByTestId('thread-row')
      .find((row) => row.classList.contains('focused'));
    expect(thread?.dataset.tid).toBe(`${ROOT}`);
  });
});

describe('a replayed run', () => {
  it('shows its processes as they stood at the scrubbed moment', async () => {
    const log = finished();
    const started = log.events.find((event) => event.kind === 'mp.started');
    const firstExit = log.events.find((event) => event.kind === 'mp.exit');
    if (!started || !firstExit) throw new Error('fixture lost its lifecycle');
    await showRun(
      log,
      summary({ id: 'replay-1', state: 'exited', exitCode: 0, endedAt: Date.now() }),
    );
    const states = () => screen.getAllByTestId('process-row').map((row) => row.dataset.state);
    expect(states()).toEqual(['terminated', 'terminated', 'terminated']);

    const moment = Math.round((started.t + firstExit.t) / 2);
    await fireEvent.input(screen.getByRole('slider', { name: 'Replay' }), {
      target: { value: String(moment) },
    });
    expect(screen.getByTestId('scrubbed')).toHaveTextContent('Processes as they stood');
    expect(states()[0]).not.toBe('terminated');
    expect(states()).toContain('running');
  });
});

describe('saving a recording', () => {
  it('asks before replacing a saved recording, and replaces only on Replace', async () => {
    const saved = '/data/recordings/lesson.py-2025.procscope';
    const saves: unknown[] = [];
    const bridge = labBridge(
      { runs: [summary({ state: 'exited', exitCode: 0, endedAt: Date.now() })], log: finished() },
      {
        'recording.save': (params) => {
          saves.push(params);
          if (saves.length > 1 && !params.replace) {
            throw new ApiCallError({ code: 'already-exists', message: `${saved} already exists.` });
          }
          return { path: saved };
        },
      },
    );
    render(LabView, { lab: new LabStore(bridge.asBridge()) });
    const save = await screen.findByRole('button', { name: 'Save recording' });
    await fireEvent.click(save);
    expect(await screen.findByTestId('lab-notice')).toHaveTextContent(
      `Recording saved to ${saved}`,
    );

    await fireEvent.click(save);
    const dialog = await screen.findByRole('dialog', { name: 'Replace the saved recording?' });
    expect(dialog).toHaveTextContent(`${saved} already exists.`);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(saves).toHaveLength(2);

    await fireEvent.click(save);
    await fireEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', { name: 'Replace' }),
    );
    await vi.waitFor(() => expect(saves).toHaveLength(4));
    expect(saves.at(-1)).toEqual({ runId: 'run-1', replace: true });
    expect(saves.slice(0, 3)).toEqual([{ runId: 'run-1' }, { runId: 'run-1' }, { runId: 'run-1' }]);
  });

  it('offers the recording as a download in browser mode, the save dialog in the app', async () => {
    await showRun();
    const link = screen.getByRole('link', { name: 'Save as…' });
    expect(link).toHaveAttribute('download');
    expect(link).toHaveAttribute('href', '/download/recording?run=run-1&token=t');

    cleanup();
    const saves: unknown[] = [];
    const app = labBridge(
      { runs: [summary({ state: 'exited', exitCode: 0, endedAt: Date.now() })], log: finished() },
      {
        'recording.save': (params) => {
          saves.push(params);
          return { path: null };
        },
      },
    );
    app.transport = 'electron';
    render(LabView, { lab: new LabStore(app.asBridge()) });
    await fireEvent.click(await screen.findByRole('button', { name: 'Save as…' }));
    // The renderer never says where: the main process asks the OS dialog.
    await vi.waitFor(() => expect(saves).toEqual([{ runId: 'run-1', saveAs: true }]));
    expect(screen.queryByTestId('lab-notice')).toBeNull();
  });
});
