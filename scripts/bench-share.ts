// A class of 60 on the teacher's laptop: the real browser-mode server, the teacher's page in
// headless Chromium stepping through nothing but running lesson 6 ("with join()") over and over,
// and 60 viewers as loopback WebSocket clients that do what a viewer's page does (load the runs,
// the lessons and the run's log, then take every event). Measured twice in one run, without and
// with the class: the server's CPU (its own process, from /proc), the bytes each viewer receives
// per second, and the teacher page's frame intervals. Linux; `npm run build` first, then
// `npx tsx scripts/bench-share.ts`.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { RunSummary } from '../src-main/common/lab';
import type { ShareStatus } from '../src-main/common/share';
import { launchBrowser, openPage, startServer } from '../test/e2e/harness';
import { connectTo, value, type SocketClient } from '../test/unit/share/socket-client';
import { percentile, recordFrameIntervals } from './bench-support';

const VIEWERS = 60;
const MEASURE_MS = 15_000;
const CLOCK_TICKS = 100;

/** CPU seconds the process has used (user + system), from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

interface Phase {
  cpuPercent: number;
  runs: number;
  frames: number[];
  bytesPerViewer: number;
}

/** Runs lesson 6 from the teacher's page again and again for the window; measures meanwhile. */
async function measure(
  page: Page,
  pid: number,
  viewerBytes: () => number,
  viewers: number,
): Promise<Phase> {
  await recordFrameIntervals(page, MEASURE_MS);
  const cpuBefore = cpuSeconds(pid);
  const bytesBefore = viewerBytes();
  const began = performance.now();
  let runs = 0;
  const state = page.getByTestId('lesson-run-state');
  while (performance.now() - began < MEASURE_MS) {
    const before = (await state.count()) ? await state.getAttribute('data-run') : null;
    await page.keyboard.press('r');
    for (;;) {
      await page.waitForTimeout(50);
      const run = await state.getAttribute('data-run').catch(() => null);
      const ended = (await state.getAttribute('data-state').catch(() => null)) === 'exited';
      if (run !== before && ended) break;
    }
    runs++;
  }
  const seconds = (performance.now() - began) / 1000;
  const cpuPercent = (100 * (cpuSeconds(pid) - cpuBefore)) / seconds;
  await page.waitForTimeout(200);
  const frames = await page.evaluate(() => window.__frameIntervals);
  return {
    cpuPercent,
    runs,
    frames,
    bytesPerViewer: viewers === 0 ? 0 : (viewerBytes() - bytesBefore) / viewers / seconds,
  };
}

/** What a viewer's page does on connecting: who am I, where is the teacher, what ran. */
async function joinAsViewer(url: string): Promise<SocketClient> {
  const viewer = await connectTo(url);
  await value(viewer.call('app.hello', {}));
  await value(viewer.call('share.stage', {}));
  await value(viewer.call('lessons.list', {}));
  const runs = await value<RunSummary[]>(viewer.call('lab.runs', {}));
  if (runs[0]) await value(viewer.call('lab.events', { runId: runs[0].id }));
  return viewer;
}

async function main(): Promise<void> {
  const server = await startServer();
  const pid = server.process.pid ?? 0;
  const browser = await launchBrowser();
  const viewers: SocketClient[] = [];
  let received = 0;
  try {
    const page = await openPage(browser, server.url);
    await page.getByRole('tab', { name: 'Lessons' }).click();
    await page.getByTestId('lesson-option').nth(5).click();
    await page.getByRole('radio', { name: /With join\(\)/ }).check();
    // A first run to warm up Python, the tracer's bytecode and the page.
    await page.keyboard.press('r');
    await page.waitForTimeout(3000);

    const alone = await measure(page, pid, () => received, 0);

    const teacher = await connectTo(server.url);
    const share = await value<ShareStatus>(teacher.call('share.start', { address: '127.0.0.1' }));
    for (let i = 0; i < VIEWERS; i++) {
      const viewer = await joinAsViewer(share.url ?? '');
      viewer.ws.on('message', (data: Buffer) => (received += data.length));
      viewers.push(viewer);
    }
    await page.waitForTimeout(1000);
    const withClass = await measure(page, pid, () => received, VIEWERS);
    const lagged = viewers.filter((viewer) =>
      viewer.events.some((event) => event.name === 'share.resync'),
    ).length;
    await value(teacher.call('share.stop', {}));
    teacher.close();

    const ms = (value: number) => `${value.toFixed(1)} ms`;
    console.log(
      `\n### ${VIEWERS} viewers following lesson 6 (with join()), run back to back for ${MEASURE_MS / 1000} s\n`,
    );
    console.log('| measure | no viewers | 60 viewers | target |');
    console.log('|---|---:|---:|---|');
    console.log(`| lesson runs in the window | ${alone.runs} | ${withClass.runs} | |`);
    console.log(
      `| backend CPU, % of one core | ${alone.cpuPercent.toFixed(1)} % | ${withClass.cpuPercent.toFixed(1)} % | +≤ 10 points |`,
    );
    console.log(
      `| bytes per viewer per second | — | ${Math.round(withClass.bytesPerViewer).toLocaleString('en')} B/s | |`,
    );
    console.log(
      `| teacher frame interval p50 | ${ms(percentile(alone.frames, 50))} | ${ms(percentile(withClass.frames, 50))} | unchanged |`,
    );
    console.log(
      `| teacher frame interval p95 | ${ms(percentile(alone.frames, 95))} | ${ms(percentile(withClass.frames, 95))} | unchanged |`,
    );
    console.log(
      `\nBackend CPU with the class: +${(withClass.cpuPercent - alone.cpuPercent).toFixed(1)} points of one core. ${lagged} of ${VIEWERS} viewers fell behind and were resynced.`,
    );
  } finally {
    for (const viewer of viewers) viewer.close();
    await browser.close();
    await server.stop();
  }
}

await main();
