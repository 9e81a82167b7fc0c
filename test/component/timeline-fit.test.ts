// Fitting a projector: at 1280×720 in classroom mode every lane of a lesson's run is on screen,
// with its full name, text never under 14 px, the values a lesson is about written on the lanes.
import { describe, expect, it } from 'vitest';
import { paint, rowLabel } from '../../src-renderer/src/lib/timeline/draw';
import { buildLayout } from '../../src-renderer/src/lib/timeline/layout';
import { SvgPainter } from '../../src-renderer/src/lib/timeline/painter';
import {
  MIN_FONT,
  rowY,
  type LaneRow,
  type Scene,
} from '../../src-renderer/src/lib/timeline/scene';
import { fit } from '../../src-renderer/src/lib/timeline/viewport';
import { charWidth, fanOutLog, laneByName, loadLog, sceneOf, sceneRun } from './timeline-fixtures';

/** The Lessons screen's Timeline at 1280×720, classroom mode (scale 1.4): its canvas. */
const LESSONS = { width: 738, height: 440 };
/** The same while stepping: the code sits under the Timeline and takes half the height. */
const STEPPING = { width: 738, height: 250 };

const laneRows = (s: Scene) => s.rows.list.filter((row): row is LaneRow => row.kind === 'lane');

function svgTexts(s: Scene): string[] {
  const svg = new SvgPainter(s.width, s.height, 'sans-serif', charWidth);
  paint(svg, s);
  return [...svg.toString().matchAll(/>([^<]*)<\/text>/g)].map((match) =>
    (match[1] ?? '').replace(/&apos;/g, "'").replace(/&quot;/g, '"'),
  );
}

describe('fitting a projector', () => {
  for (const [where, size] of [
    ['on the Lessons screen', LESSONS],
    ['while stepping, with the code under the Timeline', STEPPING],
  ] as const)
    it(`shows all lanes of a run ${where}, named in full, in text of 14 px or more`, () => {
      // Ten lanes on the Lessons screen; eight while stepping.
      const children = size === LESSONS ? 4 : 3;
      const layout = buildLayout(fanOutLog(children));
      const s = sceneOf([layout], { ...size, scale: 1.4, window: fit(layout.end) });
      const lanes = laneRows(s);
      expect(lanes).toHaveLength(2 + 2 * children);
      // The machine strip (the run's total and two cores) is there too.
      expect(s.rows.list.filter((row) => row.kind !== 'lane')).toHaveLength(3);
      for (const row of s.rows.list) {
        expect(rowY(s, row)).toBeGreaterThanOrEqual(s.metrics.axisHeight);
        expect(rowY(s, row) + row.height).toBeLessThanOrEqual(size.height);
      }
      for (const row of lanes) {
        if (row.kind !== 'lane') continue;
        const label = rowLabel(s, row, charWidth);
        expect(label.truncated, row.lane.name).toBe(false);
        expect(label.lines[0]?.text).toBe(row.lane.name);
        for (const line of label.lines) expect(line.style.size).toBeGreaterThanOrEqual(MIN_FONT);
        // Every line inside its row.
        for (const line of label.lines) {
          expect(line.dy - line.style.size / 2).toBeGreaterThanOrEqual(0);
          expect(line.dy + line.style.size / 2).toBeLessThanOrEqual(row.height);
        }
      }
    });

  it('keeps its text at 14 px and scrolls when even the smallest rows cannot all fit', () => {
    const layout = buildLayout(fanOutLog(30));
    const s = sceneOf([layout], { ...STEPPING, scale: 1.4, window: fit(layout.end) });
    expect(s.metrics.font).toBe(MIN_FONT);
    expect(s.rows.total).toBeGreaterThan(STEPPING.height);
    // The machine strip stays put while the lanes scroll under it.
    expect(s.rows.list.slice(0, 3).every((row) => row.pinned)).toBe(true);
  });

  it('grows the gutter for a long name instead of cutting it, up to two fifths of the width', () => {
    const size = { width: 900, height: 440 };
    const short = sceneOf([buildLayout(fanOutLog(1))], { ...size, window: fit(1) });
    const name = 'WorkerWithAVeryLongName-1';
    const events = fanOutLog(1).map((event) =>
      'name' in event && event.name === 'Process-1' ? { ...event, name } : event,
    );
    const long = sceneOf([buildLayout(events)], { ...size, window: fit(1) });
    expect(long.metrics.labelWidth).toBeGreaterThan(short.metrics.labelWidth);
    expect(long.metrics.labelWidth).toBeLessThanOrEqual(size.width * 0.4);
    const row = laneRows(long).find((r) => r.lane.name === name);
    if (!row) throw new Error('no row');
    expect(rowLabel(long, row, charWidth).truncated).toBe(false);
  });

  it('gives each process its pid, its parent pid and its number of threads (lesson 1)', () => {
    const layout = buildLayout(loadLog('gil-threads-vs-processes'));
    const s = sceneOf([layout], { width: 900, height: 700, scale: 1.4, window: fit(layout.end) });
    const main = laneRows(s).find((row) => row.lane.name === 'MainProcess');
    if (!main) throw new Error('no MainProcess');
    const text = rowLabel(s, main, charWidth)
      .lines.map((line) => line.text)
      .join(' / ');
    expect(text).toBe('MainProcess / pid 4600 · parent 3990 / 3 threads');
  });
});

describe('values on the lanes', () => {
  const wide = { width: 1600, height: 500 };

  it('writes the call each start() makes in the child on its lane (lesson 3)', () => {
    const layout = buildLayout(loadLog('exception-in-target'));
    const start = layout.markers.find((m) => m.kind === 'start');
    expect(start?.value).toBe("example('Hi')");
    expect(start?.lane).toBe(laneByName(layout, 'Process-1').id);
    const texts = svgTexts(sceneOf([layout], { ...wide, window: fit(layout.end) }));
    expect(texts).toContain("example('Hi')");
  });

  it('writes each lane’s exit status where it ends: 0, −15 SIGTERM, −9 SIGKILL (lessons 4, 5)', () => {
    const layout = buildLayout(loadLog('terminate-kill'));
    const texts = svgTexts(sceneOf([layout], { ...wide, window: fit(layout.end) }));
    // In full where there is room, else briefly: never the bare number where words fit.
    for (const forms of [
      ['exit −15 (SIGTERM)', '−15 SIGTERM'],
      ['exit −9 (SIGKILL)', '−9 SIGKILL'],
      ['exit 0'],
    ])
      expect(texts.some((text) => forms.some((form) => text.endsWith(form)))).toBe(true);
  });

  it('writes what each message carried where it was sent (lesson 8)', () => {
    const layout = buildLayout(loadLog('queue-exchange'));
    const arrows = layout.arrows.filter((arrow) => arrow.kind === 'ipc');
    expect(arrows.map((arrow) => arrow.value)).toEqual(["'job 1'", "'job 2'", "'job 3'", 'None']);
    const texts = svgTexts(sceneOf([layout], { ...wide, window: fit(layout.end) }));
    for (const value of ["'job 1'", "'job 2'", "'job 3'", 'None']) expect(texts).toContain(value);
  });

  it('shows the Terminated phase past a run’s end: the axis runs a tenth further (lesson 5)', () => {
    const layout = buildLayout(loadLog('terminate-kill'));
    const window = fit(layout.end);
    expect(window.end).toBeGreaterThanOrEqual(layout.end * 1.08);
  });
});

describe('the axis', () => {
  it('writes no tick label under the "now" of a live run or the replay cursor', () => {
    const log = loadLog('two-sleepers-join').filter((event) => event.kind !== 'run.ended');
    const layout = buildLayout(log);
    for (const [t, mode] of [
      [1_000_000, 'live'],
      [500_000, 'cursor'],
    ] as const) {
      const run = { ...sceneRun(layout), now: t };
      const window = { start: 0, end: 1_500_000 };
      const base = sceneOf([layout], { width: 900, height: 400, scale: 1.4, window, runs: [run] });
      const s: Scene = { ...base, live: mode === 'live', cursor: mode === 'cursor' ? t : null };
      const svg = new SvgPainter(s.width, s.height, 'sans-serif', charWidth);
      paint(svg, s);
      const onAxis = [
        ...svg
          .toString()
          .matchAll(/<text x="([\d.]+)" y="([\d.]+)"[^>]*text-anchor="(\w+)"[^>]*>([^<]*)</g),
      ]
        .map((m) => ({ x: Number(m[1]), y: Number(m[2]), anchor: m[3], text: m[4] ?? '' }))
        .filter((label) => label.y < s.metrics.axisHeight && label.x > s.metrics.labelWidth);
      const size = s.metrics.font;
      const chip = onAxis.find((label) => label.anchor === 'middle');
      if (!chip) throw new Error(`no chip (${mode})`);
      const half = (charWidth(chip.text, { size, color: '', weight: 600 }) + 12 * 1.4) / 2;
      const ticks = onAxis.filter((label) => label !== chip);
      expect(ticks.length, mode).toBeGreaterThan(1);
      for (const tick of ticks) {
        const w = charWidth(tick.text, { size, color: '' });
        const clear = tick.x + w <= chip.x - half || tick.x >= chip.x + half;
        expect(clear, `${tick.text} under ${chip.text}`).toBe(true);
      }
    }
  });
});
