// Export is a document: one image of the whole run — every lane, the full time range, the
// legend and the title, no cursor — whatever part of it the screen was showing. The PNG's pixels
// are checked end to end (test/e2e/timeline.test.ts); here, the document and its SVG.
import { describe, expect, it } from 'vitest';
import {
  documentFor,
  EXPORT_WIDTH,
  exportSvg,
  type ExportRequest,
} from '../../src-renderer/src/lib/timeline/export';
import { buildLayout } from '../../src-renderer/src/lib/timeline/layout';
import { charWidth, fanOutLog, loadLog, sceneRun, THEME } from './timeline-fixtures';

function request(runs = [sceneRun(buildLayout(fanOutLog(4)))]): ExportRequest {
  return { runs, collapsed: new Set(), theme: THEME, scale: 1.4, title: '3. A target: three' };
}

const texts = (svg: string) =>
  [...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)<\/text>/g)].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    text: m[3] ?? '',
  }));

describe('export', () => {
  it('holds all ten lanes of a run and its whole time range in one image', () => {
    const svg = exportSvg(request(), charWidth);
    const width = Number(/<svg [^>]*width="(\d+)"/.exec(svg)?.[1]);
    const height = Number(/<svg [^>]*height="(\d+)"/.exec(svg)?.[1]);
    expect(width).toBe(EXPORT_WIDTH);
    const all = texts(svg);
    const names = all.map((t) => t.text);
    for (const name of ['MainProcess', 'Process-1', 'Process-2', 'Process-3', 'Process-4'])
      expect(names).toContain(name);
    expect(names.filter((name) => name === 'MainThread')).toHaveLength(5);
    // Every lane's label is inside the image.
    for (const label of all) expect(label.y).toBeLessThan(height);
    // The whole run: it ended at 1.07 s, and the axis goes past that.
    const ticks = names.filter((name) => /^\d+(\.\d+)? (ms|s)$|^0$/.test(name));
    expect(ticks[0]).toBe('0');
    expect(ticks).toContain('1.0 s');
    // Each lane's end, as it ended.
    expect(names.filter((name) => name.endsWith('exit 0'))).toHaveLength(5);
  });

  it('is titled, carries its legend, and draws no cursor, hover or "now"', () => {
    const svg = exportSvg(request(), charWidth);
    const names = texts(svg).map((t) => t.text);
    expect(names[0]).toBe('3. A target: three');
    expect(names[1]).toMatch(/10 lanes · Procscope$/);
    for (const entry of ['Running', 'start()', 'CPU (a full band: one core)', 'a core busy'])
      expect(names).toContain(entry);
    expect(names).not.toContain('now');
    expect(documentFor(request(), charWidth).scene).toMatchObject({
      cursor: null,
      hover: null,
      scrollY: 0,
      live: false,
    });
  });

  it('is as tall as its rows, whatever the screen showed', () => {
    const doc = documentFor(request(), charWidth);
    const { scene } = doc;
    const last = scene.rows.list.at(-1);
    if (!last) throw new Error('no rows');
    expect(scene.top + scene.metrics.axisHeight + last.top + last.height).toBeLessThanOrEqual(
      scene.height,
    );
    // Rows keep their full size: nothing was shrunk to fit a screen.
    expect(scene.metrics.font).toBeCloseTo(14 * 1.4);
  });

  it('exports stacked runs with their titles and figures', () => {
    const runs = [
      { ...sceneRun(buildLayout(loadLog('two-sleepers-no-join')), 'a'), title: 'Without join()' },
      { ...sceneRun(buildLayout(loadLog('two-sleepers-join')), 'b'), title: 'With join()' },
    ].map((run) => ({ ...run, figure: 'wall time 1.02 s', offset: run.layout.scriptStart ?? 0 }));
    const names = texts(exportSvg(request(runs), charWidth)).map((t) => t.text);
    expect(names).toContain('Without join()');
    expect(names).toContain('With join()');
    expect(names.filter((name) => name === 'wall time 1.02 s')).toHaveLength(2);
    expect(names.filter((name) => name === 'MainProcess')).toHaveLength(2);
  });
});
