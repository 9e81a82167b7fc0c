// Making the GIL visible: the machine strip (the run's CPU against "one core", then each core)
// and the figures read off it. Two CPU-bound threads take turns on one core; two processes use
// two.
import type { LabEvent } from '$common/lab';
import { describe, expect, it } from 'vitest';
import { paint } from '../../src-renderer/src/lib/timeline/draw';
import { buildLayout } from '../../src-renderer/src/lib/timeline/layout';
import { SvgPainter } from '../../src-renderer/src/lib/timeline/painter';
import { coresBusy, workerPhase } from '../../src-renderer/src/lib/timeline/runs';
import { bar, rowY, type CpuRow } from '../../src-renderer/src/lib/timeline/scene';
import { fit } from '../../src-renderer/src/lib/timeline/viewport';
import { charWidth, loadLog, sceneOf } from './timeline-fixtures';

const threadsOnly = () => loadLog('gil-threads');
const processesOnly = () => loadLog('gil-processes');

const cpuRows = (events: LabEvent[]) => {
  const layout = buildLayout(events);
  const s = sceneOf([layout], { width: 1200, height: 700, window: fit(layout.end) });
  return { s, layout, rows: s.rows.list.filter((row): row is CpuRow => row.kind !== 'lane') };
};

describe('the machine strip', () => {
  it('puts the run’s CPU and one row per core above the lanes, and keeps them there', () => {
    const { s, layout, rows } = cpuRows(loadLog('gil-threads-vs-processes'));
    expect(rows.map((row) => [row.kind, row.core])).toEqual([
      ['total', 2],
      ['core', 0],
      ['core', 1],
    ]);
    expect(s.rows.list.slice(0, 3)).toEqual(rows);
    expect(rows.every((row) => row.pinned)).toBe(true);
    expect(layout.cores).toHaveLength(2);
    // Each core's series is what the samples said, in percent busy.
    expect(layout.cores[0]?.slice(0, 3)).toEqual([0, 250_000, 58.9]);
    // The run's total is the sum of its processes: ~100 % while the threads run.
    expect(layout.totalCpu.slice(0, 3)).toEqual([0, 250_000, 99.8]);
  });

  it('scales the run’s total to every core of the machine, with a "1 core" line', () => {
    const { s, rows } = cpuRows(loadLog('gil-threads-vs-processes'));
    const total = rows[0];
    if (!total) throw new Error('no total');
    expect(total.cpuScale).toBe(200);
    const svg = new SvgPainter(s.width, s.height, 'sans-serif', charWidth);
    paint(svg, s);
    const out = svg.toString();
    const band = bar(s, total);
    const oneCore = Math.round(band.y + band.h / 2) + 0.5;
    // The dashed line across the plot at half its height…
    expect(out).toMatch(
      new RegExp(`M\\d+(\\.\\d+)? ${oneCore}L1200 ${oneCore}"[^>]*stroke-dasharray`),
    );
    // …named where its tick is, in the gutter.
    expect(out).toMatch(/>1 core<\/text>/);
    expect(rowY(s, total)).toBe(s.metrics.axisHeight);
  });

  it('gives a process busier than one core a scale to match', () => {
    const events = loadLog('two-sleepers-join').map((event) =>
      event.kind === 'cpu.sample'
        ? { ...event, procs: event.procs.map((proc) => ({ ...proc, cpu: 180 })) }
        : event,
    );
    const { s } = cpuRows(events);
    const lanes = s.rows.list.filter((row) => row.kind === 'lane' && row.lane.kind === 'process');
    expect(lanes.map((row) => row.kind === 'lane' && row.cpuScale)).toEqual([200, 200, 200]);
  });

  it('has no strip for a run without CPU samples', () => {
    const { rows } = cpuRows(loadLog('exception-in-target'));
    expect(rows).toEqual([]);
  });
});

describe('the GIL in numbers', () => {
  it('two CPU-bound threads keep one core busy: they take turns', () => {
    const phase = workerPhase(buildLayout(threadsOnly()));
    expect(phase).toMatchObject({ kind: 'threads', workers: 2 });
    expect(phase?.cores).toBeGreaterThan(0.9);
    expect(phase?.cores).toBeLessThan(1.1);
  });

  it('two CPU-bound processes keep two cores busy', () => {
    const phase = workerPhase(buildLayout(processesOnly()));
    expect(phase).toMatchObject({ kind: 'processes', workers: 2 });
    expect(phase?.cores).toBeGreaterThan(1.8);
    expect(phase?.cores).toBeLessThanOrEqual(2);
  });

  it('says nothing until the workers have ended, and nothing from too few samples', () => {
    const live = threadsOnly().filter((e) => e.t < 1_000_000);
    expect(workerPhase(buildLayout(live))).toBeNull();
    expect(coresBusy([0, 100, 100], 0, 1_000)).toBeNull();
    expect(coresBusy([0, 600, 100, 600, 1_000, 50], 0, 1_000)).toBeCloseTo(0.8);
  });
});
