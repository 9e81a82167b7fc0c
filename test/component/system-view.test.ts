// The System view against a fake backend: table, search, tree, virtualization, details, and the
// confirmation dialog that must signal exactly the process it named.
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick as flush } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import type { ProcessRow, SignalResult } from '$common/system';
import SystemView from '../../src-renderer/src/components/system/SystemView.svelte';
import { ApiCallError } from '../../src-renderer/src/lib/bridge.svelte';
import { Preferences } from '../../src-renderer/src/lib/preferences.svelte';
import { SystemStore } from '../../src-renderer/src/lib/system.svelte';
import { SystemViewState } from '../../src-renderer/src/lib/system-view.svelte';
import { FakeBridge } from './fake-bridge';
import { load, machine, row, snapshot, tick } from './fixtures';

type SignalAnswer = () => SignalResult;

function setup(
  processes: ProcessRow[],
  signal: SignalAnswer = () => ({ signalled: [], zombies: [] }),
) {
  const bridge = new FakeBridge({
    'system.machine': () => machine,
    'system.snapshot': () => snapshot(processes),
    'system.watch': ({ ids }) => ({ watching: ids.length }),
    'system.setPaused': ({ paused }) => ({ paused }),
    'system.setInterval': ({ intervalMs }) => ({ intervalMs }),
    'system.signal': () => signal(),
  });
  const system = new SystemStore(bridge.asBridge());
  const view = new SystemViewState(system);
  render(SystemView, { view });
  return { bridge, system, view };
}

const grid = () => screen.getByTestId('process-grid');
const bodyRows = () =>
  within(grid())
    .getAllByRole('row')
    .filter((r) => r.dataset.id);
const shownPids = () =>
  bodyRows()
    .sort(
      (a, b) => Number(a.getAttribute('aria-rowindex')) - Number(b.getAttribute('aria-rowindex')),
    )
    .map((r) => Number(r.dataset.pid));
const rowOf = (pid: number) => grid().querySelector<HTMLElement>(`[role="row"][data-pid="${pid}"]`);
const signalCalls = (bridge: FakeBridge) =>
  bridge.calls.filter((c) => c.method === 'system.signal');

const sample = () => [
  row(1, { ppid: 0, name: 'init', cpu: 0.5, user: 'root', command: '/sbin/init' }),
  row(200, { name: 'python3', cpu: 80, user: 'alice', command: 'python3 train.py' }),
  row(300, { name: 'bash', cpu: 2, user: 'bob', command: '-bash', ppid: 1 }),
  row(301, { name: 'vim', cpu: 10, user: 'bob', command: 'vim notes.txt', ppid: 300 }),
];

describe('System view: the table', () => {
  it('lists processes by CPU, busiest first, and re-sorts from the headers', async () => {
    setup(sample());
    await expect.poll(() => bodyRows().length).toBe(4);
    expect(shownPids()).toEqual([200, 301, 300, 1]);
    const cpuHeader = screen.getByRole('columnheader', { name: /CPU per core/ });
    expect(cpuHeader).toHaveAttribute('aria-sort', 'descending');

    await fireEvent.click(screen.getByRole('button', { name: /^PID/ }));
    expect(shownPids()).toEqual([1, 200, 300, 301]);
    expect(screen.getByRole('columnheader', { name: /PID/ })).toHaveAttribute(
      'aria-sort',
      'ascending',
    );
    expect(cpuHeader).toHaveAttribute('aria-sort', 'none');

    // A second click on the same header flips the order. (Enter on a focused header is a native
    // button press; the e2e test checks it in a real browser.)
    const name = screen.getByRole('button', { name: /^Name/ });
    await fireEvent.click(name);
    expect(shownPids()).toEqual([300, 1, 200, 301]);
    await fireEvent.click(name);
    expect(shownPids()).toEqual([301, 200, 1, 300]);
  });

  it('shows state as letter and word, and marks partly hidden rows', async () => {
    setup([row(5, { state: 'S' }), row(6, { state: 'R', complete: false, name: 'secret' })]);
    await expect.poll(() => bodyRows().length).toBe(2);
    expect(rowOf(5)).toHaveTextContent('S sleeping');
    expect(rowOf(6)).toHaveTextContent('R running');
    const marker = within(rowOf(6)!).getByRole('img', { name: 'Partly hidden' });
    expect(marker.getAttribute('title')).toMatch(/another user/);
    expect(within(rowOf(5)!).queryByRole('img', { name: 'Partly hidden' })).toBeNull();
  });

  it('shows a busy process that the sample caught asleep as running, and says why', async () => {
    setup([
      row(5, { state: 'S', cpu: 87 }),
      row(6, { state: 'S', cpu: 12 }),
      row(7, { state: 'R', cpu: 3 }),
      row(8, { state: 'T', cpu: 90 }),
    ]);
    await expect.poll(() => bodyRows().length).toBe(4);
    expect(rowOf(5)).toHaveTextContent('R running');
    const busy = within(rowOf(5)!).getByText('running').closest('[role="gridcell"]');
    expect(busy?.getAttribute('title')).toMatch(/used 87% of one core.*saw it sleeping/);
    expect(rowOf(6)).toHaveTextContent('S sleeping');
    expect(
      within(rowOf(6)!).getByText('sleeping').closest('[role="gridcell"]')?.getAttribute('title'),
    ).toMatch(/instant of the sample/);
    // Waiting for a CPU is R too, whatever it got; and a process just stopped is stopped.
    expect(rowOf(7)).toHaveTextContent('R running');
    expect(rowOf(8)).toHaveTextContent('T stopped');
    expect(screen.getByRole('button', { name: /^State/ }).getAttribute('title')).toMatch(
      /over the last interval/,
    );
  });

  it('filters by name, pid, user and command line, and says when nothing matches', async () => {
    setup(sample());
    await expect.poll(() => bodyRows().length).toBe(4);
    const search = screen.getByRole('searchbox', { name: 'Search processes' });
    const typeIn = async (text: string) => {
      await fireEvent.input(search, { target: { value: text } });
      await flush();
    };
    await typeIn('python');
    expect(shownPids()).toEqual([200]);
    await typeIn('30');
    expect(shownPids()).toEqual([301, 300]);
    await typeIn('BOB');
    expect(shownPids()).toEqual([301, 300]);
    await typeIn('notes.txt');
    expect(shownPids()).toEqual([301]);
    expect(screen.getByTestId('process-shown')).toHaveTextContent('1 of 4 processes');

    await typeIn('nothing-like-this');
    expect(screen.getByTestId('no-match')).toHaveTextContent(
      'No process matches “nothing-like-this”.',
    );
    await fireEvent.click(
      within(screen.getByTestId('no-match')).getByRole('button', { name: 'Clear the search' }),
    );
    await flush();
    expect(bodyRows()).toHaveLength(4);
  });

  it('renders only a window of rows out of 3,000, and follows the scroll', async () => {
    const many = Array.from({ length: 3000 }, (_, i) => row(i + 2, { cpu: 0 }));
    const { bridge } = setup(many);
    await expect.poll(() => grid().getAttribute('aria-rowcount')).toBe('3001');
    const rendered = bodyRows().length;
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(60);
    expect(rowOf(2)).not.toBeNull();
    expect(rowOf(2000)).toBeNull();

    // Sorted by pid ascending (all CPU equal), row index i holds pid i + 2.
    Object.defineProperty(grid(), 'scrollTop', { value: 24 * 1500, configurable: true });
    await fireEvent.scroll(grid());
    expect(rowOf(1502)).not.toBeNull();
    expect(rowOf(1502)?.getAttribute('aria-rowindex')).toBe('1502');
    expect(rowOf(2)).toBeNull();
    expect(bodyRows().length).toBeLessThan(60);

    // A tick that changes every row still renders only the window.
    bridge.emit('system.tick', tick(11, { upserts: many.map((r) => ({ ...r, cpu: 1 })) }));
    await flush();
    expect(bodyRows().length).toBeLessThan(60);
    expect(rowOf(1502)).toHaveTextContent('1.0');
  }, 20_000);

  it('keeps the selected row in view and focused while live re-sorting moves it', async () => {
    // CPU falls with the pid, so the list is sorted by pid too: index i holds pid i + 2.
    const many = Array.from({ length: 200 }, (_, i) => row(i + 2, { cpu: 200 - i }));
    const { bridge } = setup(many);
    await expect.poll(() => grid().getAttribute('aria-rowcount')).toBe('201');
    // jsdom does not scroll; give the grid a scroll position that behaves like a browser's.
    Object.defineProperty(grid(), 'scrollTop', { value: 0, writable: true, configurable: true });
    await fireEvent.click(rowOf(12)!);
    expect(document.activeElement).toBe(rowOf(12));
    const offset = () =>
      (Number(rowOf(12)!.getAttribute('aria-rowindex')) - 2) * 24 - grid().scrollTop;
    expect(offset()).toBe(10 * 24);

    // Its CPU drops to nothing: it sorts to the bottom, far outside the first screen.
    bridge.emit('system.tick', tick(11, { upserts: [{ ...many[10]!, cpu: 0 }] }));
    await flush();
    await flush();
    expect(rowOf(12)).toHaveAttribute('aria-rowindex', '201');
    expect(offset()).toBeGreaterThanOrEqual(0);
    expect(offset()).toBeLessThanOrEqual(600 - 24);
    expect(document.activeElement).toBe(rowOf(12));

    // Scrolling it out of view lets go: the next re-sort leaves the scroll where the user put it.
    grid().scrollTop = 0;
    await fireEvent.scroll(grid());
    bridge.emit('system.tick', tick(12, { upserts: [{ ...many[10]!, cpu: 150 }] }));
    await flush();
    await flush();
    expect(grid().scrollTop).toBe(0);
  });

  it('flashes new rows and keeps vanished rows for a moment, marked as exited', async () => {
    const { bridge } = setup(sample());
    await expect.poll(() => bodyRows().length).toBe(4);
    bridge.emit(
      'system.tick',
      tick(11, { upserts: [row(400, { name: 'newcomer', cpu: 1 })], removed: [row(300).id] }),
    );
    await flush();
    expect(rowOf(400)).toHaveClass('fresh');
    expect(within(rowOf(400)!).getByText('new')).toBeInTheDocument();
    expect(rowOf(300)).toHaveClass('gone');
    expect(within(rowOf(300)!).getByText('exited')).toBeInTheDocument();
    // One tick later both marks are still there; the first tick past FLASH_MS ends them.
    bridge.emit('system.tick', tick(12));
    await flush();
    expect(rowOf(400)).toHaveClass('fresh');
    expect(rowOf(300)).toHaveClass('gone');
    bridge.emit('system.tick', tick(13));
    await flush();
    expect(rowOf(300)).toBeNull();
    expect(rowOf(400)).not.toHaveClass('fresh');
  });

  it('nests in tree view, with subtree CPU, and collapses with the arrow keys', async () => {
    setup(sample());
    await expect.poll(() => bodyRows().length).toBe(4);
    await fireEvent.click(screen.getByRole('button', { name: 'Tree' }));
    expect(screen.getByRole('treegrid')).toBeInTheDocument();
    // Siblings keep the CPU order: python3 (80) before bash (2, though 12 with its child).
    expect(shownPids()).toEqual([1, 200, 300, 301]);
    expect(rowOf(1)).toHaveAttribute('aria-level', '1');
    expect(rowOf(300)).toHaveAttribute('aria-level', '2');
    expect(rowOf(301)).toHaveAttribute('aria-level', '3');
    expect(screen.getByRole('columnheader', { name: /Tree CPU/ })).toBeInTheDocument();
    // bash (2) + vim (10) = 12 in the subtree column.
    expect(rowOf(300)).toHaveTextContent('12.0');

    await fireEvent.click(rowOf(300)!);
    expect(rowOf(300)).toHaveAttribute('aria-expanded', 'true');
    await fireEvent.keyDown(rowOf(300)!, { key: 'ArrowLeft' });
    expect(rowOf(300)).toHaveAttribute('aria-expanded', 'false');
    expect(rowOf(301)).toBeNull();
    await fireEvent.keyDown(rowOf(300)!, { key: 'ArrowRight' });
    expect(rowOf(301)).not.toBeNull();
    // Left on a row that is not expanded goes to its parent.
    await fireEvent.keyDown(rowOf(300)!, { key: 'ArrowRight' });
    await flush();
    expect(rowOf(301)).toHaveAttribute('aria-selected', 'true');
    await fireEvent.keyDown(rowOf(301)!, { key: 'ArrowLeft' });
    await flush();
    expect(rowOf(300)).toHaveAttribute('aria-selected', 'true');
  });

  it('labels CPU honestly: per core, or share of the machine', async () => {
    setup([row(7, { cpu: 180 })]);
    await expect.poll(() => bodyRows().length).toBe(1);
    expect(rowOf(7)).toHaveTextContent('180.0');
    await fireEvent.click(screen.getByRole('button', { name: 'Share of machine' }));
    expect(screen.getByRole('columnheader', { name: /CPU of machine/ })).toBeInTheDocument();
    // 180% of one core on a 4-core machine is 45% of the machine.
    expect(rowOf(7)).toHaveTextContent('45.0');
  });
});

describe('System view: leaving the tab and coming back', () => {
  it('stays live, sorted and searched after it was unmounted and mounted again', async () => {
    const warn = vi.spyOn(console, 'warn');
    const { bridge, system, view } = setup(sample());
    await expect.poll(() => bodyRows().length).toBe(4);
    await fireEvent.click(screen.getByRole('button', { name: /^PID/ }));
    expect(shownPids()).toEqual([1, 200, 300, 301]);

    // The tab switch: the component goes, the app-wide state stays, ticks keep arriving.
    cleanup();
    bridge.emit('system.tick', tick(11, { upserts: [row(150, { name: 'late', cpu: 5 })] }));
    render(SystemView, { view });
    await flush();
    expect(shownPids()).toEqual([1, 150, 200, 300, 301]);

    // Live while showing again: a tick that arrives now updates the rows (the exited one
    // lingers until the ticks have moved past FLASH_MS).
    bridge.emit('system.tick', tick(12, { removed: [row(300).id] }));
    await flush();
    expect(rowOf(300)).toHaveTextContent('exited');
    bridge.emit('system.tick', tick(13));
    bridge.emit('system.tick', tick(14));
    await flush();
    expect(shownPids()).toEqual([1, 150, 200, 301]);
    expect(system.rows).toHaveLength(4);

    // Sorting and searching still answer.
    await fireEvent.click(screen.getByRole('button', { name: /^PID/ }));
    expect(shownPids()).toEqual([301, 200, 150, 1]);
    await fireEvent.input(screen.getByRole('searchbox'), { target: { value: 'late' } });
    expect(shownPids()).toEqual([150]);
    expect(screen.getByTestId('process-shown')).toHaveTextContent('1 of 4 processes');
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});

describe('System view: empty states', () => {
  it('says it is reading, then shows why the list could not be read, with a retry', async () => {
    const system = new SystemStore(new FakeBridge({}).asBridge());
    render(SystemView, { view: new SystemViewState(system) });
    expect(screen.getByText('Reading the process list…')).toBeInTheDocument();
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The process list could not be read');
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });

  it('says so when the backend is not connected', () => {
    const system = new SystemStore(new FakeBridge({}).asBridge());
    render(SystemView, { view: new SystemViewState(system), connection: 'reconnecting' });
    expect(screen.getByRole('heading', { name: 'Not connected' })).toBeInTheDocument();
  });

  it('asks for a selection before showing details', async () => {
    setup(sample());
    await expect.poll(() => bodyRows().length).toBe(4);
    expect(screen.getByTestId('details')).toHaveTextContent('Select a process to see its details');
  });
});

describe('System view: selection and details', () => {
  it('moves the selection with the keyboard and watches the selected process', async () => {
    const { bridge, system } = setup(sample());
    await expect.poll(() => bodyRows().length).toBe(4);
    const first = rowOf(200)!;
    expect(first).toHaveAttribute('tabindex', '0');
    await fireEvent.keyDown(first, { key: 'ArrowDown' });
    await flush();
    expect(rowOf(200)).toHaveAttribute('aria-selected', 'true');
    await fireEvent.keyDown(rowOf(200)!, { key: 'ArrowDown' });
    await flush();
    expect(rowOf(301)).toHaveAttribute('aria-selected', 'true');
    expect(document.activeElement).toBe(rowOf(301));
    await fireEvent.keyDown(rowOf(301)!, { key: 'End' });
    await flush();
    expect(rowOf(1)).toHaveAttribute('aria-selected', 'true');
    await fireEvent.keyDown(rowOf(1)!, { key: 'Home' });
    await flush();
    expect(rowOf(200)).toHaveAttribute('aria-selected', 'true');

    const details = screen.getByTestId('details');
    expect(within(details).getByRole('heading', { name: 'python3' })).toBeInTheDocument();
    expect(within(details).getByTestId('details-command')).toHaveTextContent('python3 train.py');
    await expect
      .poll(() => bridge.calls.filter((c) => c.method === 'system.watch').at(-1)?.params)
      .toEqual({ ids: [row(200).id] });

    // Its threads arrive in the next tick.
    bridge.emit(
      'system.tick',
      tick(11, {
        threads: {
          [row(200).id]: [
            { tid: 200, name: 'python3', state: 'S', cpu: 1 },
            { tid: 201, name: 'loader', state: 'R', cpu: 70 },
          ],
        },
      }),
    );
    await flush();
    const threads = within(details).getByTestId('threads');
    expect(within(threads).getAllByRole('row')).toHaveLength(3);
    expect(threads).toHaveTextContent('loader');
    expect(system.threads[row(200).id]).toHaveLength(2);
  });

  it('shows the parent chain and children, and selects them on click', async () => {
    setup(sample());
    await expect.poll(() => bodyRows().length).toBe(4);
    await fireEvent.click(rowOf(300)!);
    const details = screen.getByTestId('details');
    await fireEvent.click(within(details).getByRole('button', { name: /vim/ }));
    expect(within(details).getByRole('heading', { name: 'vim' })).toBeInTheDocument();
    await fireEvent.click(within(details).getByRole('button', { name: /bash/ }));
    expect(within(details).getByRole('heading', { name: 'bash' })).toBeInTheDocument();
    expect(rowOf(300)).toHaveAttribute('aria-selected', 'true');
  });

  it('re-issues the watch after a reconnect, and clears it when nothing is selected', async () => {
    class ReconnectingBridge extends FakeBridge {
      private readonly connected = new Set<() => void>();
      override onConnected(listener: () => void): () => void {
        this.connected.add(listener);
        listener();
        return () => this.connected.delete(listener);
      }
      reconnect(): void {
        for (const listener of this.connected) listener();
      }
    }
    const bridge = new ReconnectingBridge({
      'system.machine': () => machine,
      'system.snapshot': () => snapshot(sample()),
      'system.watch': ({ ids }) => ({ watching: ids.length }),
    });
    const system = new SystemStore(bridge.asBridge());
    const watches = () =>
      bridge.calls.filter((c) => c.method === 'system.watch').map((c) => c.params);
    await system.watch([row(200).id]);
    bridge.reconnect();
    expect(watches()).toEqual([{ ids: [row(200).id] }, { ids: [row(200).id] }]);
    await system.watch([]);
    bridge.reconnect();
    expect(watches()).toEqual([{ ids: [row(200).id] }, { ids: [row(200).id] }, { ids: [] }]);
  });

  it('says when live updates are paused, and since when', async () => {
    const { bridge } = setup(sample());
    await expect.poll(() => bodyRows().length).toBe(4);
    expect(screen.queryByTestId('paused-notice')).toBeNull();
    bridge.emit('system.tick', tick(11, { paused: true }));
    await flush();
    expect(screen.getByTestId('paused-notice')).toHaveTextContent(
      /Paused — showing the snapshot of \d\d:\d\d:\d\d/,
    );
    await fireEvent.click(
      within(screen.getByTestId('paused-notice')).getByRole('button', { name: 'Resume' }),
    );
    expect(bridge.calls.at(-1)).toEqual({ method: 'system.setPaused', params: { paused: false } });
  });
});

describe('System view: signals', () => {
  it('names the process and signals the pid + start time captured when the dialog opened', async () => {
    const { bridge } = setup(sample(), () => ({ signalled: [row(301).id], zombies: [] }));
    await expect.poll(() => bodyRows().length).toBe(4);
    await fireEvent.click(rowOf(301)!);
    await fireEvent.keyDown(rowOf(301)!, { key: 'Delete' });
    const dialog = screen.getByRole('dialog', { name: 'Terminate vim (pid 301)?' });
    expect(dialog).toHaveTextContent('SIGTERM');
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Terminate' }));

    // Meanwhile vim exits and pid 301 is reused by an unrelated process, and the user's
    // selection moves on: the dialog must still aim at the original vim.
    const impostor = row(301, {
      name: 'innocent',
      startTime: 1_800_000_000_000,
      id: '301:1800000000000',
    });
    bridge.emit('system.tick', tick(11, { removed: [row(301).id], upserts: [impostor] }));
    await flush();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Terminate' }));
    await flush();
    expect(signalCalls(bridge)).toEqual([
      {
        method: 'system.signal',
        params: {
          target: { pid: 301, startTime: row(301).startTime },
          action: 'terminate',
          tree: false,
        },
      },
    ]);
    await expect.poll(() => screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByTestId('notice')).toHaveTextContent('Sent SIGTERM to vim (pid 301).');
  });

  it('shows the backend’s refusal when the process is already gone', async () => {
    const { bridge } = setup(sample(), () => {
      throw new ApiCallError({
        code: 'gone',
        message: 'Process vim (pid 301) has already exited.',
      });
    });
    await expect.poll(() => bodyRows().length).toBe(4);
    await fireEvent.click(rowOf(301)!);
    await fireEvent.keyDown(rowOf(301)!, { key: 'Delete', shiftKey: true });
    const dialog = screen.getByRole('dialog', { name: 'Kill vim (pid 301)?' });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Kill' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent(
      'has already exited, or its pid now belongs to another process',
    );
    expect(alert).toHaveTextContent('Process vim (pid 301) has already exited.');
    expect(signalCalls(bridge)[0]?.params).toMatchObject({ action: 'kill', tree: false });
    // Only a way out remains, and it has the focus.
    const close = within(dialog).getByRole('button', { name: 'Close' });
    await expect.poll(() => document.activeElement).toBe(close);
    expect(within(dialog).queryByRole('button', { name: 'Kill' })).toBeNull();
  });

  it('explains a permission refusal', async () => {
    setup(sample(), () => {
      throw new ApiCallError({
        code: 'permission-denied',
        message: 'Permission denied: you may not kill process init (pid 1).',
      });
    });
    await expect.poll(() => bodyRows().length).toBe(4);
    await fireEvent.click(rowOf(1)!);
    await fireEvent.click(
      within(screen.getByTestId('details')).getByRole('button', { name: 'Kill…' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Kill init (pid 1)?' });
    await fireEvent.keyDown(dialog, { key: 'Enter' });
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('Not allowed');
    expect(alert).toHaveTextContent('Permission denied: you may not kill process init (pid 1).');
  });

  it('cancels with Escape and keeps Tab inside the dialog', async () => {
    const { bridge } = setup(sample());
    await expect.poll(() => bodyRows().length).toBe(4);
    await fireEvent.click(rowOf(200)!);
    await fireEvent.keyDown(rowOf(200)!, { key: 'Delete' });
    const dialog = screen.getByRole('dialog', { name: 'Terminate python3 (pid 200)?' });
    const [cancel, confirm] = within(dialog).getAllByRole('button');
    confirm!.focus();
    await fireEvent.keyDown(confirm!, { key: 'Tab' });
    expect(document.activeElement).toBe(cancel);
    await fireEvent.keyDown(cancel!, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(confirm);
    await fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(signalCalls(bridge)).toHaveLength(0);
    // Focus goes back to the row the dialog was opened from.
    expect(document.activeElement).toBe(rowOf(200));
  });

  it('offers the actions in a context menu, and kills a tree naming its descendants', async () => {
    const { bridge } = setup(sample(), () => ({
      signalled: [row(301).id, row(300).id],
      zombies: [],
    }));
    await expect.poll(() => bodyRows().length).toBe(4);
    await fireEvent.contextMenu(rowOf(300)!, { clientX: 40, clientY: 60 });
    const menu = screen.getByRole('menu');
    expect(within(menu).getByRole('menuitem', { name: /Resume/ })).toBeDisabled();
    await fireEvent.click(within(menu).getByRole('menuitem', { name: /Kill tree/ }));
    const dialog = screen.getByRole('dialog', {
      name: 'Kill bash (pid 300) and its 1 descendant?',
    });
    expect(dialog).toHaveTextContent('vim');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Kill tree' }));
    await flush();
    expect(signalCalls(bridge)[0]?.params).toEqual({
      target: { pid: 300, startTime: row(300).startTime },
      action: 'kill',
      tree: true,
    });
    await expect
      .poll(() => screen.queryByTestId('notice')?.textContent)
      .toBe('Sent SIGKILL to bash (pid 300) and 1 descendant.');
  });

  it('does not open an action for a process that has exited', async () => {
    const { bridge } = setup(sample());
    await expect.poll(() => bodyRows().length).toBe(4);
    await fireEvent.click(rowOf(200)!);
    bridge.emit('system.tick', tick(11, { removed: [row(200).id] }));
    await flush();
    const details = screen.getByTestId('details');
    expect(within(details).getByRole('status')).toHaveTextContent('This process has exited');
    expect(within(details).getByRole('button', { name: 'Kill…' })).toBeDisabled();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await fireEvent.keyDown(grid(), { key: 'Delete' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});

describe('System view: choosing columns', () => {
  function setupWithPreferences(processes: ProcessRow[], storage: Storage) {
    const bridge = new FakeBridge({
      'system.machine': () => machine,
      'system.snapshot': () => snapshot(processes),
      'system.watch': ({ ids }) => ({ watching: ids.length }),
      'system.watchDiskIo': ({ enabled }) => ({ diskIo: enabled }),
    });
    const system = new SystemStore(bridge.asBridge());
    const preferences = new Preferences(storage);
    const view = new SystemViewState(system, preferences);
    const rendered = render(SystemView, { view, preferences });
    return { bridge, view, rendered };
  }

  const headers = () =>
    within(grid())
      .getAllByRole('columnheader')
      .map((header) => header.textContent?.trim());
  const cellsOf = (pid: number) =>
    within(rowOf(pid)!)
      .getAllByRole('gridcell')
      .map((cell) => cell.textContent?.trim());
  const diskCalls = (bridge: FakeBridge) =>
    bridge.calls.filter((c) => c.method === 'system.watchDiskIo').map((c) => c.params);

  it('adds htop’s columns with their figures, asks for disk I/O only while shown, and remembers the choice', async () => {
    const storage = new MemoryStorage();
    const busy = row(200, {
      name: 'python3',
      cpu: 80,
      ppid: 150,
      cpuTimeMs: 3_723_450,
      rssBytes: 512 * 1024 ** 2,
      virtualBytes: 2 * 1024 ** 3,
      sharedBytes: 48 * 1024 ** 2,
      diskReadRate: 3 * 1024 ** 2,
      diskWriteRate: 0,
    });
    const other = row(300, { name: 'bash', cpu: 1, ppid: 1 });
    const { bridge, rendered } = setupWithPreferences([busy, other], storage);
    await expect.poll(() => bodyRows().length).toBe(2);
    expect(headers()).toEqual([
      'Name',
      'PID',
      'User',
      'State',
      'CPU per core',
      'Memory',
      'Threads',
      'Nice',
      'Command',
    ]);
    expect(diskCalls(bridge)).toEqual([]);

    await fireEvent.click(screen.getByRole('button', { name: 'Columns' }));
    const menu = screen.getByRole('menu', { name: 'Columns' });
    for (const name of [
      'Parent PID',
      'CPU time',
      '% of memory',
      'Virtual memory (VIRT)',
      'Shared memory (SHR)',
      'Disk reads per second',
      'Disk writes per second',
    ])
      await fireEvent.click(within(menu).getByRole('menuitemcheckbox', { name }));
    await fireEvent.click(within(menu).getByRole('menuitemcheckbox', { name: 'Nice' }));
    expect(within(menu).getByRole('menuitemcheckbox', { name: 'Nice' })).toHaveAttribute(
      'aria-checked',
      'false',
    );
    expect(headers()).toEqual([
      'Name',
      'PID',
      'PPID',
      'User',
      'State',
      'CPU per core',
      'CPU time',
      'Memory',
      '%MEM',
      'VIRT',
      'SHR',
      'Disk read',
      'Disk write',
      'Threads',
      'Command',
    ]);
    // 512 MiB of the fixture's 8 GiB; 1 h 2 min 3.45 s of CPU; unknown rates show as —.
    expect(cellsOf(200)).toEqual(
      expect.arrayContaining(['150', '62:03.45', '6.3%', '2.0 GiB', '48.0 MiB', '3.0 MiB/s', '0']),
    );
    expect(cellsOf(300)).toEqual(expect.arrayContaining(['—']));
    // Both disk columns shown: one request, not one per column.
    expect(diskCalls(bridge)).toEqual([{ enabled: true }]);

    // Sorting by a chosen column works like any other.
    await fireEvent.click(screen.getByRole('button', { name: /^VIRT/ }));
    expect(shownPids()).toEqual([200, 300]);

    // Esc closes the menu and gives focus back to its button.
    await fireEvent.keyDown(within(menu).getAllByRole('menuitemcheckbox')[0]!, { key: 'Escape' });
    expect(screen.queryByRole('menu', { name: 'Columns' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Columns' })).toHaveFocus();

    // Hiding the last disk column stops the reads.
    await fireEvent.click(screen.getByRole('button', { name: 'Columns' }));
    for (const name of ['Disk reads per second', 'Disk writes per second'])
      await fireEvent.click(screen.getByRole('menuitemcheckbox', { name }));
    await flush();
    expect(diskCalls(bridge)).toEqual([{ enabled: true }, { enabled: false }]);

    // A new session (a reload) shows what was chosen.
    rendered.unmount();
    setupWithPreferences([busy, other], storage);
    await expect.poll(() => bodyRows().length).toBe(2);
    expect(headers()).toEqual([
      'Name',
      'PID',
      'PPID',
      'User',
      'State',
      'CPU per core',
      'CPU time',
      'Memory',
      '%MEM',
      'VIRT',
      'SHR',
      'Threads',
      'Command',
    ]);
  }, 20_000);

  it('a hidden column stops being the sort, and stored junk falls back to known columns', async () => {
    const storage = new MemoryStorage();
    storage.setItem(
      'procscope.preferences',
      JSON.stringify({ columns: ['threads', 'no-such-column', 42] }),
    );
    const { view } = setupWithPreferences(sample(), storage);
    await expect.poll(() => bodyRows().length).toBe(4);
    expect(headers()).toEqual(['Name', 'PID', 'CPU per core', 'Threads']);
    view.sortBy('threads');
    view.setColumn('threads', false);
    expect(view.order).toEqual({ key: 'cpu', direction: 'descending' });
  });
});

describe('System view: history graphs', () => {
  it('shows every core’s and memory and swap’s history in the header, and the selected process’s CPU and memory in the details', async () => {
    const { bridge } = setup(sample());
    await expect.poll(() => bodyRows().length).toBe(4);
    const swap = { swapTotalBytes: 2 * 1024 ** 3, swapUsedBytes: 512 * 1024 ** 2 };
    for (let seq = 11; seq <= 13; seq++)
      bridge.emit(
        'system.tick',
        tick(seq, {
          load: load({ ...swap, cpuPerCore: [seq, 20, 30, 95] }),
          upserts: [row(200, { name: 'python3', cpu: seq * 5, rssBytes: seq * 1024 ** 2 })],
        }),
      );
    await flush();
    expect(screen.getByTestId('core-history')).toHaveAccessibleName(
      /one lane per core.*core 0 13%, core 1 20%, core 2 30%, core 3 95%/,
    );
    expect(screen.getByTestId('memory-history')).toHaveAccessibleName(
      /Memory in use \(upper lane\) and swap in use \(lower lane\) over the last 120 seconds: now 25% of memory/,
    );
    expect(screen.getByTestId('strip-swap')).toHaveTextContent('swap 512 MiB of 2.0 GiB');

    await fireEvent.click(rowOf(200)!);
    expect(screen.getByTestId('details-cpu-history')).toHaveAccessibleName(
      'CPU of python3 over the last 2 min: peak 65.0%',
    );
    expect(screen.getByTestId('details-memory-history')).toHaveAccessibleName(
      'Resident memory of python3 over the last 2 min: peak 13.0 MiB',
    );

    // Without swap figures the strip says so rather than showing an empty graph as "no swap".
    bridge.emit('system.tick', tick(14, { load: load() }));
    await flush();
    expect(screen.getByTestId('strip-swap')).toHaveTextContent('swap not reported here');
    bridge.emit('system.tick', tick(15, { load: load({ swapTotalBytes: 0, swapUsedBytes: 0 }) }));
    await flush();
    expect(screen.getByTestId('strip-swap')).toHaveTextContent('no swap');
  }, 20_000);
});

/** localStorage as a plain map, one per test: what a reload of the same origin reads back. */
class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length(): number {
    return this.items.size;
  }
  clear(): void {
    this.items.clear();
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}
