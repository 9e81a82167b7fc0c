// The Timeline component's DOM side: what it tells screen readers and tests, its keyboard model,
// live follow, the replay scrubber and the traceback panel. jsdom has no canvas, so the pixels
// are covered by the layout, scene and SVG tests instead.
import { fireEvent, render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import Timeline from '../../src-renderer/src/components/timeline/Timeline.svelte';
import { buildLayout } from '../../src-renderer/src/lib/timeline/layout';
import { loadLog } from './timeline-fixtures';

const stage = () => screen.getByRole('application');
const press = (key: string) => fireEvent.keyDown(stage(), { key });
// `events` is also the name of a (legacy) Svelte mount option, so props go under `props:`.

describe('Timeline', () => {
  it('says what to do while there is nothing to show', () => {
    render(Timeline, { props: { events: [] } });
    expect(screen.getByRole('status')).toHaveTextContent('No processes yet');
  });

  it('summarises each process in words, and exposes its model to end-to-end tests', () => {
    render(Timeline, { props: { events: loadLog('two-sleepers-no-join') } });
    const summary = screen.getByTestId('timeline-summary');
    expect(summary.children).toHaveLength(3);
    expect(summary).toHaveTextContent(
      'MainProcess (pid 4100): running from 1.20 ms; script finished at 48.1 ms; ended at 1.06 s, exit 0.',
    );
    expect(summary).toHaveTextContent(
      'Process-1 (pid 4101): created at 41.3 ms; running from 43.9 ms; ended at 1.05 s, exit 0.',
    );
    const hook = window.__procscopeTimeline;
    expect(hook?.lanes.map((lane) => lane.name)).toContain('Process-2');
    expect(hook?.spans.some((span) => span.label === 'join(Process-1) at exit')).toBe(true);
    expect(hook?.ended).toBe(true);
  });

  it('follows events as they are appended', async () => {
    const events = loadLog('two-sleepers-join');
    const view = render(Timeline, { props: { events: events.slice(0, 4), live: true } });
    // MainProcess, and Process-1 as soon as its object is created (New).
    expect(screen.getByTestId('timeline-summary').children).toHaveLength(2);
    expect(screen.getByTestId('timeline-summary')).toHaveTextContent(
      'Process-1: created at 41.3 ms; not started yet.',
    );
    await view.rerender({ events, live: true });
    expect(screen.getByTestId('timeline-summary').children).toHaveLength(3);
    expect(window.__procscopeTimeline?.lanes.map((lane) => lane.name)).toContain('Process-2');
  });

  it('selects lanes with ↑/↓ and hides a process’s threads with Enter', async () => {
    const onSelect = vi.fn();
    render(Timeline, { props: { events: loadLog('two-sleepers-join'), onSelect } });
    await press('ArrowDown');
    expect(onSelect).toHaveBeenLastCalledWith(4100, undefined);
    await press('ArrowDown');
    expect(onSelect).toHaveBeenLastCalledWith(4100, 4100);
    await press('ArrowUp');
    await press('Enter');
    await press('ArrowDown');
    // MainThread is hidden now: the next lane down is Process-1.
    expect(onSelect).toHaveBeenLastCalledWith(4101, undefined);
  });

  it('stops following a live run when moved back, and offers to follow again', async () => {
    render(Timeline, { props: { events: loadLog('two-sleepers-join').slice(0, 20), live: true } });
    expect(screen.queryByRole('button', { name: 'Follow live' })).toBeNull();
    await press('ArrowLeft');
    const follow = screen.getByRole('button', { name: 'Follow live' });
    await fireEvent.click(follow);
    expect(screen.queryByRole('button', { name: 'Follow live' })).toBeNull();
    await press('-');
    expect(screen.getByRole('button', { name: 'Follow live' })).toBeInTheDocument();
    await press('End');
    expect(screen.queryByRole('button', { name: 'Follow live' })).toBeNull();
  });

  it('never offers to follow a finished run', async () => {
    render(Timeline, { props: { events: loadLog('two-sleepers-join'), live: true } });
    await press('ArrowLeft');
    expect(screen.queryByRole('button', { name: 'Follow live' })).toBeNull();
  });

  it('scrubs through a replay and reports the moment chosen', async () => {
    const onScrub = vi.fn();
    render(Timeline, { props: { events: loadLog('two-sleepers-join'), replay: true, onScrub } });
    const scrubber = screen.getByRole('slider', { name: 'Replay' });
    expect(scrubber).toHaveAttribute('max', '1056500');
    await fireEvent.input(scrubber, { target: { value: '500000' } });
    expect(onScrub).toHaveBeenLastCalledWith(500_000);
    expect(scrubber).toHaveAttribute('aria-valuetext', '500 ms');
    await tick();
    expect(screen.getByText('500 ms', { selector: 'output' })).toBeInTheDocument();
  });

  it('has no scrubber outside replay', () => {
    render(Timeline, { props: { events: loadLog('two-sleepers-join') } });
    expect(screen.queryByRole('slider')).toBeNull();
  });

  it('opens the traceback of each exception in turn with E, and closes it with Esc', async () => {
    render(Timeline, { props: { events: loadLog('exception-in-target') } });
    await press('e');
    const panel = screen.getByTestId('timeline-traceback');
    expect(panel).toHaveTextContent("NameError: name 'name' is not defined");
    expect(panel).toHaveTextContent('Process-1 (pid 4201) at 43.6 ms');
    expect(panel.querySelector('pre')?.textContent).toContain('line 7, in example');
    await press('e');
    expect(screen.getByTestId('timeline-traceback')).toHaveTextContent(
      'AssertionError: cannot start a process twice',
    );
    await press('Escape');
    expect(screen.queryByTestId('timeline-traceback')).toBeNull();
  });

  it('lists in its legend only what the run contains, and folds the legend away', async () => {
    render(Timeline, { props: { events: loadLog('exception-in-target') } });
    const legend = screen.getByTestId('timeline-legend');
    expect(legend).toHaveTextContent('exception');
    expect(legend).toHaveTextContent('Running');
    expect(legend).not.toHaveTextContent('Pool task');
    expect(legend).not.toHaveTextContent('kill()');
    const button = screen.getByRole('button', { name: /Legend/ });
    expect(button).toHaveAttribute('aria-expanded', 'true');
    await fireEvent.click(button);
    expect(screen.queryByTestId('timeline-legend')).toBeNull();
    expect(button).toHaveAttribute('aria-expanded', 'false');
    // Remembered for the next Timeline, and the next session.
    expect(JSON.parse(localStorage.getItem('procscope.timeline') ?? '{}')).toEqual({
      legend: false,
    });
    await fireEvent.click(button);
    expect(screen.getByTestId('timeline-legend')).toBeInTheDocument();
  });

  it('replays like a video: event by event, and played at a chosen speed', async () => {
    vi.useFakeTimers({ toFake: ['requestAnimationFrame', 'cancelAnimationFrame', 'performance'] });
    try {
      const events = loadLog('two-sleepers-join');
      const layout = buildLayout(events);
      const moments = [
        ...new Set([
          ...layout.markers.map((m) => m.t),
          ...layout.spans.flatMap((span) =>
            span.end === null ? [span.start] : [span.start, span.end],
          ),
        ]),
      ].sort((a, b) => a - b);
      const onScrub = vi.fn();
      render(Timeline, { props: { events, replay: true, onScrub } });
      await press('.');
      expect(onScrub).toHaveBeenLastCalledWith(moments[0]);
      await press('.');
      expect(onScrub).toHaveBeenLastCalledWith(moments[1]);
      await press(',');
      expect(onScrub).toHaveBeenLastCalledWith(moments[0]);

      const speed = screen.getByRole('combobox', { name: 'Speed' });
      expect(speed).toHaveValue('1');
      await press('<');
      await press('<');
      expect(speed).toHaveValue('0.25');
      await press('<');
      expect(speed).toHaveValue('0.25');

      const from = onScrub.mock.lastCall?.[0] as number;
      const play = screen.getByRole('button', { name: 'Play' });
      await fireEvent.click(play);
      expect(screen.getByRole('button', { name: 'Pause' })).toHaveAttribute('aria-pressed', 'true');
      await vi.advanceTimersByTimeAsync(800);
      // A quarter of real time: 800 ms of watching is 200 ms of the run (give or take a frame).
      const played = (onScrub.mock.lastCall?.[0] as number) - from;
      expect(played).toBeGreaterThan(180_000);
      expect(played).toBeLessThan(220_000);
      await press('l');
      expect(screen.getByRole('button', { name: 'Play' })).toHaveAttribute('aria-pressed', 'false');
      const paused = onScrub.mock.lastCall?.[0] as number;
      await vi.advanceTimersByTimeAsync(500);
      expect(onScrub.mock.lastCall?.[0]).toBe(paused);
    } finally {
      vi.useRealTimers();
    }
  });

  it('plays to the end and stops there; Play again starts over', async () => {
    vi.useFakeTimers({ toFake: ['requestAnimationFrame', 'cancelAnimationFrame', 'performance'] });
    try {
      const events = loadLog('two-sleepers-join');
      const onScrub = vi.fn();
      render(Timeline, { props: { events, replay: true, onScrub, cursor: 1_000_000 } });
      await fireEvent.click(screen.getByRole('button', { name: 'Play' }));
      await vi.advanceTimersByTimeAsync(200);
      expect(onScrub).toHaveBeenLastCalledWith(1_056_500);
      expect(screen.getByRole('button', { name: 'Play' })).toBeInTheDocument();
      await fireEvent.click(screen.getByRole('button', { name: 'Play' }));
      expect(onScrub).toHaveBeenCalledWith(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
