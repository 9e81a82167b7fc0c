// Zoom, pan and ticks (time ↔ pixels), and what the pointer finds where the timeline drew it.
import { describe, expect, it } from 'vitest';
import { paint } from '../../src-renderer/src/lib/timeline/draw';
import { buildLayout } from '../../src-renderer/src/lib/timeline/layout';
import { SvgPainter } from '../../src-renderer/src/lib/timeline/painter';
import {
  hitTest,
  markerPoint,
  spanBox,
  type Scene,
} from '../../src-renderer/src/lib/timeline/scene';
import { chooseTicks, formatMicros, formatTick } from '../../src-renderer/src/lib/timeline/units';
import {
  fit,
  follow,
  MIN_SPAN_US,
  panBy,
  span,
  timeToX,
  xToTime,
  zoomAt,
} from '../../src-renderer/src/lib/timeline/viewport';
import { charWidth, laneByName, loadLog, onlySpan, sceneOf } from './timeline-fixtures';

describe('time ↔ x', () => {
  const window = { start: 1_000, end: 11_000 };

  it('maps the window onto the plot width and back', () => {
    expect(timeToX(window, 500, 1_000)).toBe(0);
    expect(timeToX(window, 500, 11_000)).toBe(500);
    expect(timeToX(window, 500, 6_000)).toBe(250);
    for (const x of [0, 17, 250, 499])
      expect(timeToX(window, 500, xToTime(window, 500, x))).toBeCloseTo(x);
  });

  it('zooms around the pointer: the time under it stays under it', () => {
    const whole = fit(10_000_000);
    const anchorX = 300;
    const before = xToTime(whole, 1000, anchorX);
    const zoomed = zoomAt(whole, 1000, anchorX, 4, 10_000_000);
    expect(span(zoomed)).toBeCloseTo(span(whole) / 4);
    expect(xToTime(zoomed, 1000, anchorX)).toBeCloseTo(before);
  });

  it('zooms in down to single milliseconds, and out no further than the whole run', () => {
    let window = fit(10_000_000);
    for (let i = 0; i < 60; i++) window = zoomAt(window, 1000, 500, 2, 10_000_000);
    expect(span(window)).toBe(MIN_SPAN_US);
    expect(MIN_SPAN_US).toBeLessThan(1_000);
    for (let i = 0; i < 60; i++) window = zoomAt(window, 1000, 500, 0.5, 10_000_000);
    expect(span(window)).toBeCloseTo(span(fit(10_000_000)));
  });

  it('pans by pixels, and stops a little past either end of the run', () => {
    const window = { start: 1_000_000, end: 2_000_000 };
    expect(panBy(window, 1000, 100, 10_000_000)).toEqual({ start: 1_100_000, end: 2_100_000 });
    const left = panBy(window, 1000, -1e9, 10_000_000);
    expect(left.start).toBeLessThan(0);
    expect(left.start).toBeGreaterThan(-100_000);
    const right = panBy(window, 1000, 1e9, 10_000_000);
    expect(right.end).toBeGreaterThan(10_000_000);
    // A tenth past the end: the exit status of a process that ends with the run is written there.
    expect(right.end).toBeLessThan(11_200_000);
  });

  it('follows the present, and shows a young run from its start', () => {
    expect(follow({ start: 0, end: 1_000_000 }, 5_000_000).end).toBeGreaterThan(5_000_000);
    expect(follow({ start: 0, end: 1_000_000 }, 5_000_000).start).toBeGreaterThan(4_000_000);
    expect(follow({ start: 0, end: 1_000_000 }, 200_000).start).toBe(0);
  });
});

describe('ticks', () => {
  it('are 1, 2 or 5 × 10ⁿ µs apart, at least the minimum gap in pixels', () => {
    for (const [start, end, width] of [
      [0, 1_056_500, 1000],
      [0, 10_000_000, 800],
      [1_000_000, 1_000_800, 1000],
      [123_456, 9_876_543, 333],
    ] as const) {
      const { step, ticks } = chooseTicks(start, end, width, 100);
      const mantissa = step / 10 ** Math.floor(Math.log10(step));
      expect([1, 2, 5]).toContain(Math.round(mantissa));
      expect((step / (end - start)) * width).toBeGreaterThanOrEqual(100);
      expect(ticks.length).toBeGreaterThan(0);
      for (const t of ticks) {
        expect(t).toBeGreaterThanOrEqual(start);
        expect(t).toBeLessThanOrEqual(end);
        expect(t % step).toBe(0);
      }
    }
  });

  it('choose µs, ms or s by zoom, with just enough decimals', () => {
    expect(chooseTicks(0, 1_056_500, 1000, 100).step).toBe(200_000);
    expect(formatTick(0, 200_000)).toBe('0');
    expect(formatTick(200_000, 200_000)).toBe('200 ms');
    expect(formatTick(1_000_000, 200_000)).toBe('1.0 s');
    expect(formatTick(2_000_000, 1_000_000)).toBe('2 s');
    expect(formatTick(1_001_200, 100)).toBe('1.0012 s');
    expect(formatTick(1_200, 100)).toBe('1.2 ms');
    expect(formatTick(300, 100)).toBe('300 µs');
    expect(formatTick(45, 5)).toBe('45 µs');
  });

  it('write durations with three significant figures', () => {
    expect(formatMicros(850)).toBe('850 µs');
    expect(formatMicros(12_400)).toBe('12.4 ms');
    expect(formatMicros(1_006_000)).toBe('1.01 s');
    expect(formatMicros(43_600)).toBe('43.6 ms');
  });
});

describe('scene: rows and hit-testing', () => {
  const layout = buildLayout(loadLog('exception-in-target'));

  function scene(collapsed: Set<string> = new Set()): Scene {
    return sceneOf([layout], {
      collapsed,
      width: 1200,
      height: 600,
      window: { start: 0, end: 60_000 },
    });
  }
  const lanes = (s: Scene) => s.rows.list.filter((r) => r.kind === 'lane');

  it('gives every lane a row, and a collapsed process hides its threads in its own row', () => {
    const open = scene();
    expect(lanes(open).map((r) => r.lane.name)).toEqual([
      'MainProcess',
      'MainThread',
      'Process-1',
      'MainThread',
    ]);
    const main = laneByName(layout, 'MainProcess');
    const closed = scene(new Set([`run|${main.id}`]));
    expect(lanes(closed).map((r) => r.lane.name)).toEqual([
      'MainProcess',
      'Process-1',
      'MainThread',
    ]);
    expect(closed.rows.byLane[0]?.get(laneByName(layout, 'MainThread', 4200).id)?.lane).toBe(main);
    expect(closed.rows.total).toBeLessThan(open.rows.total);
  });

  it('finds the exception marker where it was drawn, then the span, then the lane', () => {
    const s = scene();
    const child = laneByName(layout, 'Process-1');
    const row = s.rows.byLane[0]?.get(child.id);
    const exception = layout.markers.find((m) => m.kind === 'exception' && m.lane === child.id);
    if (!row || !exception) throw new Error('fixture changed');
    const [x, y] = markerPoint(s, row, exception);
    const hit = hitTest(s, x + 2, y - 1);
    expect(hit?.kind === 'marker' && hit.marker).toBe(exception);

    // The main process ran for 46 ms with markers only near its end: its middle is bare span.
    const main = laneByName(layout, 'MainProcess');
    const mainRow = s.rows.byLane[0]?.get(main.id);
    if (!mainRow) throw new Error('no row');
    const running = onlySpan(layout, main.id, 'running');
    const box = spanBox(s, mainRow, running);
    const inside = hitTest(s, box.x + box.w / 2, box.y + box.h / 2);
    expect(inside?.kind === 'span' && inside.span).toBe(running);

    // Before Process-1 existed at all, its row is just the lane.
    const before = hitTest(s, s.metrics.labelWidth + 5, y);
    expect(before).toMatchObject({ kind: 'lane', row });
  });

  it('tells a click on the disclosure triangle from a click on the name', () => {
    const s = scene();
    const row = lanes(s)[0];
    if (!row) throw new Error('no rows');
    const y = s.metrics.axisHeight + row.top + row.height / 2;
    expect(hitTest(s, 12, y)).toMatchObject({ kind: 'label', toggle: true });
    expect(hitTest(s, 120, y)).toMatchObject({ kind: 'label', toggle: false });
    expect(hitTest(s, 400, 5)).toBeNull();
  });

  it('paints the same scene as a standalone SVG', () => {
    const s = { ...scene(), window: { start: 40_000, end: 50_000 } };
    const svg = new SvgPainter(s.width, s.height, 'sans-serif', charWidth);
    paint(svg, s);
    const out = svg.toString();
    expect(out).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="1200" height="600"/);
    for (const text of [
      'MainProcess',
      'pid 4201 · parent 4200',
      'Running',
      'join(Process-1)',
      '42 ms',
    ])
      expect(out).toContain(`>${text}</text>`);
    // The join wait is hatched; the clip paths keep lanes and labels apart.
    expect(out).toContain('<pattern id="hatch0"');
    expect(out).toContain('clip-path="url(#clip0)"');
    expect(out).not.toContain('var(--');
  });
});
