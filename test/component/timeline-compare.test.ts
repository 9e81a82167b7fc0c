// Compare mode: two or more runs stacked on one time axis, aligned at each script's start, each
// under a header with its title and figure ("Without join()" over "With join()").
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Timeline from '../../src-renderer/src/components/timeline/Timeline.svelte';
import { buildLayout } from '../../src-renderer/src/lib/timeline/layout';
import { hitTest, rowY, xAt, xOf, type Scene } from '../../src-renderer/src/lib/timeline/scene';
import { fit } from '../../src-renderer/src/lib/timeline/viewport';
import { loadLog, sceneOf, sceneRun } from './timeline-fixtures';

function compared(): Scene {
  const layouts = [
    buildLayout(loadLog('two-sleepers-no-join')),
    buildLayout(loadLog('gil-threads-vs-processes')),
  ];
  const runs = layouts.map((layout, index) => ({
    ...sceneRun(layout, `run-${index}`, layout.scriptStart ?? 0),
    title: index === 0 ? 'Without join()' : 'Threads, then processes',
    figure: index === 0 ? 'wall time 46.9 ms' : 'wall time 3.02 s',
  }));
  return sceneOf(layouts, { width: 1200, height: 900, window: fit(3_100_000), runs });
}

describe('runs stacked to compare', () => {
  it('gives each run a header, then its lanes, one run under the other', () => {
    const s = compared();
    const kinds = s.rows.list.map((row) => (row.kind === 'lane' ? row.lane.name : row.kind));
    expect(kinds).toEqual([
      'run',
      'total',
      'MainProcess',
      'MainThread',
      'Process-1',
      'MainThread',
      'Process-2',
      'MainThread',
      'run',
      // Stacked, a run's cores are folded away: its total is what is compared.
      'total',
      'MainProcess',
      'MainThread',
      'Thread-1 (count)',
      'Thread-2 (count)',
      'Process-1',
      'MainThread',
      'Process-2',
      'MainThread',
    ]);
    expect(s.rows.list.every((row) => !row.pinned)).toBe(true);
    expect(
      s.rows.list
        .filter((row) => row.run === 1)
        .every((row) => row.top >= (s.rows.list[8]?.top ?? 0)),
    ).toBe(true);
  });

  it('aligns the runs where their scripts started: both start at 0 on the axis', () => {
    const s = compared();
    for (const [index, run] of s.runs.entries()) {
      const row = s.rows.list.find((r) => r.run === index && r.kind === 'lane');
      if (!row || run.layout.scriptStart === null) throw new Error('no script start');
      expect(run.layout.scriptStart).toBeGreaterThan(0);
      expect(xAt(s, row, run.layout.scriptStart)).toBeCloseTo(xOf(s, 0));
    }
  });

  it('names the run under the pointer in its header', () => {
    const s = compared();
    const header = s.rows.list.find((row) => row.kind === 'run' && row.run === 1);
    if (!header) throw new Error('no header');
    const hit = hitTest(s, 600, rowY(s, header) + header.height / 2);
    expect(hit).toMatchObject({ kind: 'run', row: header });
  });

  it('takes runs as a prop, and tells each run’s story', () => {
    render(Timeline, {
      props: {
        runs: [
          { key: 'a', title: 'Without join()', events: loadLog('two-sleepers-no-join') },
          {
            key: 'b',
            title: 'With join()',
            events: loadLog('two-sleepers-join'),
            figure: '1.01 s',
          },
        ],
      },
    });
    expect(screen.getByRole('application')).toHaveAccessibleName('Timeline of the runs compared');
    expect(screen.getByTestId('timeline-summary').children).toHaveLength(6);
    expect(window.__procscopeTimeline?.runs.map((run) => run.title)).toEqual([
      'Without join()',
      'With join()',
    ]);
  });
});
