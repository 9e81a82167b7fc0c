// The Timeline as a class sees it: a projector's 1280×720 in classroom mode, the real lessons
// run by real Python. The GIL is visible (two threads ≈ one core, two processes ≈ two), every
// lane is inside the Timeline with its whole name, and the export is the whole run.
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TimelineTestHook } from '../../src-renderer/src/lib/timeline/hook';
import { openPage, root, useServerAndBrowser } from './harness';

const PROGRAMS = join(root, 'src-main', 'core', 'lessons', 'programs');
const LESSON_3 = join(PROGRAMS, '03_target_with_arguments.py');
const LESSON_8_QUEUE = join(PROGRAMS, '08_queue_and_pipe.py');

const e2e = useServerAndBrowser();

/** A lesson on the Lessons screen, then classroom mode on a 1280×720 projector. */
async function openLesson(number: number): Promise<Page> {
  const page = await openPage(e2e.browser, e2e.server.url, { width: 1280, height: 720 });
  await page.getByRole('tab', { name: 'Lessons' }).click();
  await page
    .getByTestId('lesson-option')
    .nth(number - 1)
    .click();
  await page.getByText(`Lesson ${number} of 10`).waitFor();
  await page.keyboard.press('Control+Shift+P');
  await expect.poll(() => page.getByRole('button', { name: /^Run/ }).isEnabled()).toBe(true);
  return page;
}

const runState = (page: Page) => page.getByTestId('lesson-run-state');

async function run(page: Page, variation: string, timeout = 20_000): Promise<void> {
  await page.getByRole('radio', { name: variation, exact: true }).check();
  const before = (await runState(page).count())
    ? await runState(page).getAttribute('data-run')
    : null;
  await page.getByRole('button', { name: /^Run/ }).click();
  await expect
    .poll(
      async () =>
        (await runState(page).getAttribute('data-run')) !== before &&
        (await runState(page).getAttribute('data-state')),
      { timeout },
    )
    .toBe('exited');
  // The Timeline has drawn the end of the run.
  await expect.poll(() => hook(page).then((h) => h.ended && h.drawn !== null)).toBe(true);
}

function hook(page: Page): Promise<TimelineTestHook> {
  return page.evaluate(() => {
    const value = window.__procscopeTimeline;
    if (!value) throw new Error('no Timeline on the page');
    return JSON.parse(JSON.stringify(value)) as TimelineTestHook;
  });
}

/** Every row of the Timeline is inside its canvas, and the canvas inside the Timeline's box. */
async function expectAllRowsShown(page: Page): Promise<TimelineTestHook> {
  // Rows settle a frame after the last event.
  await page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
  );
  const view = await hook(page);
  const drawn = view.drawn;
  if (!drawn) throw new Error('nothing drawn');
  const lanes = drawn.rows.filter((row) => row.kind === 'lane');
  expect(lanes).toHaveLength(view.lanes.length);
  for (const row of drawn.rows) {
    expect(row.y, row.name).toBeGreaterThanOrEqual(0);
    expect(row.y + row.height, `${row.name} is below the Timeline`).toBeLessThanOrEqual(
      drawn.height + 0.5,
    );
    expect(row.truncated, `${row.name} is cut short`).toBe(false);
    expect(row.fontSize, `${row.name}'s text`).toBeGreaterThanOrEqual(14);
  }
  const boxes = await page.evaluate(() => {
    const timeline = document.querySelector('.timeline');
    const canvas = timeline?.querySelector('canvas');
    const rect = (element: Element | null | undefined) => {
      const r = element?.getBoundingClientRect();
      return r ? { top: r.top, bottom: r.bottom, left: r.left, right: r.right } : null;
    };
    // Nothing in the Timeline's own controls spills out of its box.
    const spilled = [...(timeline?.querySelectorAll('.toolbar, .legend, .scrubber') ?? [])]
      .filter((element) => element.scrollWidth > element.clientWidth + 1)
      .map((element) => element.className);
    return { timeline: rect(timeline), canvas: rect(canvas), spilled };
  });
  expect(boxes.spilled).toEqual([]);
  if (!boxes.timeline || !boxes.canvas) throw new Error('no Timeline');
  expect(boxes.canvas.bottom).toBeLessThanOrEqual(boxes.timeline.bottom + 0.5);
  expect(boxes.canvas.bottom).toBeLessThanOrEqual(720);
  return view;
}

/** Runs a variation to its end and reads its view and its workers' peak CPU. */
async function measure(
  page: Page,
  variation: string,
  workers: RegExp,
): Promise<{ view: TimelineTestHook; peak: number }> {
  await run(page, variation, 60_000);
  const view = await expectAllRowsShown(page);
  return { view, peak: workersPeak(view, workers) };
}

/** The run's peak CPU, in percent of one core, over samples that lie within its workers' run. */
function workersPeak(view: TimelineTestHook, workers: RegExp): number {
  const ids = new Set(view.lanes.filter((lane) => workers.test(lane.name)).map((l) => l.id));
  const running = view.spans.filter((span) => ids.has(span.lane) && span.kind === 'running');
  expect(running.length).toBe(2);
  const from = Math.max(...running.map((span) => span.start));
  const to = Math.min(...running.map((span) => span.end ?? Infinity));
  const peaks: number[] = [];
  for (let i = 0; i + 2 < view.totalCpu.length; i += 3) {
    const [start = 0, end = 0, cpu = 0] = view.totalCpu.slice(i, i + 3);
    if (start >= from && end <= to) peaks.push(cpu);
  }
  // A job runs for seconds here and the Lab samples every 200 ms.
  expect(peaks.length).toBeGreaterThanOrEqual(2);
  return Math.max(...peaks);
}

interface SvgLabel {
  x: number;
  y: number;
  text: string;
}

/** Clicks the Timeline's SVG button and reads the drawing saved. */
async function downloadSvg(page: Page): Promise<{ svg: string; labels: SvgLabel[] }> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('.timeline').getByRole('button', { name: 'SVG' }).click(),
  ]);
  const svg = await readFile((await download.path()) ?? '', 'utf8');
  const labels = [...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)<\/text>/g)].map(
    (m) => ({ x: Number(m[1]), y: Number(m[2]), text: (m[3] ?? '').replace(/&apos;/g, "'") }),
  );
  return { svg, labels };
}

const seconds = (text: string) =>
  text === '0' ? 0 : Number.parseFloat(text) / (text.endsWith(' ms') ? 1000 : 1);

/** The last tick on the export's axis, in µs. */
function lastTick(labels: readonly SvgLabel[]): number {
  const ticks = labels.filter((label) => /^(\d+(\.\d+)? (ms|s)|0)$/.test(label.text));
  return seconds(ticks.at(-1)?.text ?? '0') * 1e6;
}

describe('the Timeline on a projector', () => {
  // Other programs on the machine take CPU from both runs alike: on an idle machine two
  // processes peak near 200 % and two threads near 100 %; with other work running, each of the
  // lesson's busy workers gets its share of the two cores, and two processes still get about
  // twice what two threads get (4/3 at the least, beside one other busy program). So the
  // processes are measured against the threads, run right after them on the same machine, and a
  // pair that falls short (a burst of load during one of the two) is measured again. Two
  // processes held to one core, or threads let run at once, fail every time.
  it(
    'lesson 9 shows the cores: two threads take turns on one core, two processes use two',
    { timeout: 300_000 },
    async () => {
      const page = await openLesson(9);
      const cores = availableParallelism();
      let ratio = 0;
      for (let attempt = 0; attempt < 3 && !(ratio >= 1.25); attempt++) {
        const threads = await measure(page, 'Two threads', /^Thread-\d/);
        expect(threads.view.cores).toHaveLength(cores);
        expect(threads.view.drawn?.rows.filter((row) => row.kind === 'core')).toHaveLength(cores);
        expect(threads.view.drawn?.rows[0]).toMatchObject({ kind: 'total', name: 'All processes' });
        // Taking turns: never much more than one core, however idle the machine.
        expect(threads.peak).toBeGreaterThan(0);
        expect(threads.peak).toBeLessThanOrEqual(125);
        if (cores < 2) break;
        const processes = await measure(page, 'Two processes', /^Process-\d$/);
        ratio = processes.peak / threads.peak;
      }
      if (cores >= 2) expect(ratio).toBeGreaterThanOrEqual(1.25);
      await page.context().close();
    },
  );

  it('lesson 8 fits every lane of its Queue run, named in full, and exports the whole run', async () => {
    const page = await openLesson(8);
    await run(page, 'Results back through a Queue');
    const view = await expectAllRowsShown(page);
    expect(view.lanes.length).toBeGreaterThanOrEqual(10);
    // Move the view away from the whole run, then export: the document is the whole run anyway.
    const stage = page.getByRole('application');
    await stage.focus();
    for (const key of ['+', '+', '+', 'ArrowLeft']) await page.keyboard.press(key);

    const [svgDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'SVG' }).click(),
    ]);
    const svg = await readFile((await svgDownload.path()) ?? '', 'utf8');
    const width = Number(/<svg [^>]*width="(\d+)"/.exec(svg)?.[1]);
    const height = Number(/<svg [^>]*height="(\d+)"/.exec(svg)?.[1]);
    expect(width).toBe(1920);
    const labels = [...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)<\/text>/g)].map(
      (m) => ({ x: Number(m[1]), y: Number(m[2]), text: m[3] ?? '' }),
    );
    const names = labels.map((label) => label.text);
    for (const lane of view.lanes) expect(names).toContain(lane.name);
    expect(names[0]).toMatch(/^8\. .*Results back through a Queue/);
    // The whole time range: the axis reaches past the run's end.
    expect(lastTick(labels)).toBeGreaterThan(view.end * 0.8);

    const [pngDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'PNG' }).click(),
    ]);
    const png = await readFile((await pngDownload.path()) ?? '');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // Twice the SVG's size in pixels: the same document at device-pixel-ratio 2.
    expect(png.readUInt32BE(16)).toBe(width * 2);
    expect(png.readUInt32BE(20)).toBe(height * 2);
    // And drawn: where the SVG writes each lane's name, the PNG has text-coloured pixels.
    const lanes = labels.filter((label) => view.lanes.some((lane) => lane.name === label.text));
    const inked = await page.evaluate(
      async ({ data, points }) => {
        const image = new Image();
        image.src = `data:image/png;base64,${data}`;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = image.width;
        canvas.height = image.height;
        const context = canvas.getContext('2d', { willReadFrequently: true });
        if (!context) return [];
        context.drawImage(image, 0, 0);
        return points.map(({ x, y }) => {
          // The first 40 × 10 px of the name, at 2×: some pixel clearly darker than the panel.
          const pixels = context.getImageData(x * 2, y * 2 - 10, 80, 20).data;
          let darkest = 255;
          for (let i = 0; i < pixels.length; i += 4)
            darkest = Math.min(
              darkest,
              pixels[i] ?? 255,
              pixels[i + 1] ?? 255,
              pixels[i + 2] ?? 255,
            );
          return darkest;
        });
      },
      { data: png.toString('base64'), points: lanes.map(({ x, y }) => ({ x, y })) },
    );
    expect(inked).toHaveLength(lanes.length);
    for (const darkest of inked) expect(darkest).toBeLessThan(120);
    await page.context().close();
  });

  it('lesson 3 in step mode keeps all its lanes in view while the code takes room', async () => {
    const page = await openLesson(3);
    await page.getByRole('checkbox', { name: /Step mode/ }).check();
    await page
      .getByRole('radio', { name: 'Three processes, three arguments', exact: true })
      .check();
    await page.getByRole('button', { name: /^Run/ }).click();
    // Continue at every pause until the run is over: it ends with the stepping layout (the
    // code under the Timeline).
    const paused = page.locator('[data-testid="lesson-paused"]:not(.idle)');
    await expect
      .poll(
        async () => {
          if (await paused.count()) await page.getByRole('button', { name: /^Continue/ }).click();
          return runState(page).getAttribute('data-state');
        },
        { timeout: 30_000, interval: 300 },
      )
      .toBe('exited');
    await expect.poll(() => hook(page).then((h) => h.ended)).toBe(true);
    const view = await expectAllRowsShown(page);
    expect(view.lanes.length).toBeGreaterThanOrEqual(8);
    // Each child's call, with its argument, is written on its lane (see the unit tests for the
    // pixels): the start markers carry them.
    const calls = view.markers.filter((m) => m.kind === 'start').map((m) => m.value);
    expect(calls).toHaveLength(3);
    for (const call of calls) expect(call).toMatch(/^example\('.+'\)$/);
    await page.context().close();
  });

  it('the Lab in step mode keeps all eight lanes in view under its banner', async () => {
    const page = await openPage(e2e.browser, e2e.server.url, { width: 1280, height: 720 });
    await page.getByRole('tab', { name: 'Lab' }).click();
    await page.keyboard.press('Control+Shift+P');
    await page.getByTestId('interpreter').getByText('Python 3').waitFor();
    await page.getByLabel('Script', { exact: true }).fill(LESSON_3);
    await page.getByLabel('Arguments').fill('--three');
    await page.getByRole('checkbox', { name: /Step mode/ }).check();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const banner = page.getByTestId('step-banner');
    // Three start()s, then it waits at the first join(): every process is running.
    for (const call of ['Process-1.start', 'Process-2.start', 'Process-3.start']) {
      await expect.poll(() => banner.textContent(), { timeout: 20_000 }).toContain(call);
      await banner.getByRole('button', { name: /^Step/ }).click();
    }
    await expect.poll(() => banner.textContent(), { timeout: 20_000 }).toContain('join()');
    await expect
      .poll(() => hook(page).then((h) => h.lanes.filter((l) => l.kind === 'thread').length))
      .toBe(4);
    const view = await expectAllRowsShown(page);
    expect(view.lanes).toHaveLength(8);
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.context().close();
  });

  it('draws a live run a few times a second, leaving the cores to the program it shows', async () => {
    const page = await openLesson(6);
    // Every frame the page asks for while the run lives, and how long the run lived.
    await page.evaluate(() => {
      const counted = window as unknown as { __frames: number };
      counted.__frames = 0;
      const native = window.requestAnimationFrame.bind(window);
      window.requestAnimationFrame = (callback) => {
        counted.__frames += 1;
        return native(callback);
      };
    });
    const began = Date.now();
    await run(page, 'With join()');
    const seconds = (Date.now() - began) / 1000;
    const frames = await page.evaluate(() => (window as unknown as { __frames: number }).__frames);
    expect(seconds).toBeGreaterThan(1);
    // A frame per display refresh would be ~60 a second.
    expect(frames / seconds).toBeLessThan(20);
    await page.close();
  });

  it('lists the replay keys in the Lab’s ? overlay', async () => {
    const page = await openPage(e2e.browser, e2e.server.url);
    await page.getByRole('tab', { name: 'Lab' }).click();
    await page.keyboard.press('?');
    const overlay = page.getByRole('dialog');
    await overlay.getByText('Replay: play / pause').waitFor();
    expect(await overlay.textContent()).toContain('Replay: previous / next event');
    await page.keyboard.press('Escape');
    await page.context().close();
  });

  it('replays a recording like a video, and exports it — and it compared with its run — whole', async () => {
    const page = await openPage(e2e.browser, e2e.server.url, { width: 1280, height: 800 });
    await page.getByRole('tab', { name: 'Lab' }).click();
    await page.getByTestId('interpreter').getByText('Python 3').waitFor();
    await page.getByLabel('Script', { exact: true }).fill(LESSON_8_QUEUE);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const header = page.getByTestId('run-header');
    await header.getByRole('heading', { name: '08_queue_and_pipe.py' }).waitFor();
    await expect
      .poll(() => header.getByRole('button', { name: 'Stop' }).isDisabled(), { timeout: 20_000 })
      .toBe(true);
    await expect.poll(() => hook(page).then((h) => h.ended)).toBe(true);
    const live = await hook(page);
    expect(live.lanes.length).toBeGreaterThanOrEqual(10);

    await header.getByRole('button', { name: 'Save recording' }).click();
    const notice = page.getByTestId('lab-notice');
    await expect.poll(() => notice.textContent()).toMatch(/Recording saved to \S+\.procscope/);
    const saved = /saved to (\S+\.procscope)/.exec((await notice.textContent()) ?? '')?.[1] ?? '';
    await page.getByRole('button', { name: 'Open recording…' }).click();
    await page.getByLabel('Path of a recording file').fill(saved);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await header.getByRole('heading', { name: '08_queue_and_pipe.py (recording)' }).waitFor();
    await expect
      .poll(() => hook(page).then((h) => h.ended && h.lanes.length))
      .toBe(live.lanes.length);

    // Event by event, with the keyboard: the scrubber lands on each moment of the run in turn.
    const scrubber = page.getByRole('slider', { name: 'Replay' });
    const at = async () => Number(await scrubber.inputValue());
    const stage = page.getByRole('application');
    await stage.focus();
    await page.keyboard.press('.');
    const first = await at();
    const moments = live.markers.map((marker) => marker.t).concat(live.spans.map((s) => s.start));
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(Math.min(...moments) + 100);
    await page.keyboard.press('.');
    const second = await at();
    expect(second).toBeGreaterThan(first);
    await page.keyboard.press(',');
    expect(await at()).toBe(first);

    // Played at a speed, then paused: the run moves at that fraction of the wall clock.
    const speed = page.getByRole('combobox', { name: 'Speed' });
    const play = async (keys: string[], rate: number): Promise<number> => {
      for (const key of keys) await page.keyboard.press(key);
      expect(Number(await speed.inputValue())).toBe(rate);
      await scrubber.fill('0');
      await stage.focus();
      const from = await at();
      // Half the run's length at that speed, so it never plays to the end and stops there.
      const watch = Math.min(1_200, (live.end / 1000 / rate) * 0.5);
      const started = Date.now();
      await page.keyboard.press('l');
      await page.getByRole('button', { name: 'Pause' }).waitFor();
      await page.waitForTimeout(watch);
      await page.keyboard.press('L');
      const wall = Date.now() - started;
      await page.getByRole('button', { name: 'Play' }).waitFor();
      const paused = await at();
      expect(paused).toBeLessThan(live.end);
      await page.waitForTimeout(300);
      // Paused means paused.
      expect(await at()).toBe(paused);
      return (paused - from) / (wall * 1000);
    };
    const quarter = await play(['<', '<'], 0.25);
    expect(quarter).toBeGreaterThan(0.15);
    expect(quarter).toBeLessThanOrEqual(0.26);
    const real = await play(['>', '>'], 1);
    expect(real).toBeGreaterThan(0.6);
    expect(real).toBeLessThanOrEqual(1.01);

    // Export, with the cursor inside the run and the view zoomed: the document is the whole
    // recording, every lane, no cursor — the same document wherever the cursor is.
    for (const key of ['+', '+', '.', '.']) await page.keyboard.press(key);
    const mid = await downloadSvg(page);
    for (const lane of live.lanes) expect(mid.labels.map((l) => l.text)).toContain(lane.name);
    expect(mid.labels[0]?.text).toBe('08_queue_and_pipe.py (recording)');
    expect(lastTick(mid.labels)).toBeGreaterThan(live.end * 0.8);
    await page.keyboard.press('0');
    await page.keyboard.press(',');
    await page.keyboard.press(',');
    const other = await downloadSvg(page);
    expect(other.svg).toBe(mid.svg);

    // The recording over the run it was made of: one document, both runs whole.
    await header.getByRole('button', { name: 'Compare' }).click();
    await page.getByRole('option', { name: /^08_queue_and_pipe\.py(?! \(recording\))/ }).click();
    await header.getByRole('heading', { name: '08_queue_and_pipe.py', exact: true }).waitFor();
    await header.getByRole('button', { name: 'Compare' }).click();
    await expect.poll(() => hook(page).then((h) => h.runs.length)).toBe(2);
    const both = await downloadSvg(page);
    const texts = both.labels.map((label) => label.text);
    expect(texts).toContain('Compared runs');
    for (const title of ['08_queue_and_pipe.py (recording)', '08_queue_and_pipe.py'])
      expect(texts).toContain(title);
    for (const lane of live.lanes)
      expect(texts.filter((text) => text === lane.name).length).toBeGreaterThanOrEqual(2);
    expect(texts.filter((text) => text === 'MainProcess')).toHaveLength(2);
    const height = Number(/<svg [^>]*height="(\d+)"/.exec(both.svg)?.[1]);
    for (const label of both.labels) expect(label.y).toBeLessThan(height);
    await page.context().close();
  });
});
