// How fast is the Timeline with a big run? `npx tsx scripts/bench-timeline.ts`
//
// A synthetic log of 200 processes, 1,000 threads and 20,000 events (scripts/synthetic-log.ts):
// 1. In Node: building the layout from the whole log (what a replay does), and appending it in
//    batches of 100 the way a live run arrives (each append ingests the batch, then rebuilds
//    the projection).
// 2. In headless Chromium: the real component on a 1280×800 page, zoomed and panned with one
//    wheel event per animation frame for 3 s. Reported: the time between frames (what a user
//    sees; 16.7 ms is 60 fps) and the time each draw took (what the timeline itself costs).
// Prints a markdown table. Target: layout < ~30 ms, frame p95 ≤ 16 ms.

import { buildLayout, TimelineFeed } from '../src-renderer/src/lib/timeline/layout';
import { percentile } from './bench-support';
import { BENCH_LOG, syntheticLog } from './synthetic-log';
import { benchPanZoom, mountTimeline, startHarness } from './timeline-harness';

const WARM_UP = 10;
const RUNS = 30;
const BATCH = 100;
const PAN_ZOOM_MS = 3_000;

const ms = (value: number): string => `${value.toFixed(1)} ms`;

const log = syntheticLog();
const processes = new Set(log.flatMap((event) => (event.pid === undefined ? [] : [event.pid])));
console.error(
  `synthetic log: ${log.length} events, ${processes.size} processes, ` +
    `${BENCH_LOG.processes * BENCH_LOG.threadsPerProcess} threads`,
);

// ---- Node: layout ----------------------------------------------------------------------------

const whole: number[] = [];
for (let run = 0; run < WARM_UP + RUNS; run++) {
  const started = performance.now();
  buildLayout(log);
  whole.push(performance.now() - started);
}
// The first runs pay for JIT compilation; a long live session is in steady state.
const cold = whole[0] ?? NaN;
const steady = whole.slice(WARM_UP);

const appends: number[] = [];
for (let run = 0; run < 3; run++) {
  const feed = new TimelineFeed();
  for (let end = BATCH; end <= log.length; end += BATCH) {
    const batch = log.slice(0, end);
    const started = performance.now();
    feed.update(batch);
    if (run === 2) appends.push(performance.now() - started);
  }
}
const lastAppends = appends.slice(-20);

// ---- Chromium: frames ------------------------------------------------------------------------

console.error('building the harness page and starting Chromium…');
const harness = await startHarness();
let frames: { intervals: number[]; draws: number[] };
try {
  const page = await harness.open({ colorScheme: 'light' });
  await mountTimeline(page, { events: log, title: 'bench' });
  // One warm-up pass so the first frames do not measure the JIT.
  await benchPanZoom(page, 500);
  frames = await benchPanZoom(page, PAN_ZOOM_MS);
} finally {
  await harness.close();
}

const rows: [string, string, string][] = [
  ['Layout, whole log (Node), median', ms(percentile(steady, 50)), '< ~30 ms'],
  ['Layout, whole log (Node), p95', ms(percentile(steady, 95)), ''],
  ['Layout, whole log (Node), first run (cold JIT)', ms(cold), ''],
  ['Live append of 100 events at 19,900 → 20,000, median', ms(percentile(lastAppends, 50)), ''],
  ['Live append of 100 events, p95 over the whole run', ms(percentile(appends, 95)), ''],
  [
    `Frame interval while zooming/panning (${frames.intervals.length} frames), p50`,
    ms(percentile(frames.intervals, 50)),
    '',
  ],
  ['Frame interval, p95', ms(percentile(frames.intervals, 95)), '≤ 16.7 ms'],
  [`Draw time per frame (${frames.draws.length} draws), p50`, ms(percentile(frames.draws, 50)), ''],
  ['Draw time per frame, p95', ms(percentile(frames.draws, 95)), '≤ 16 ms'],
];

console.log(`\n| Timeline, ${log.length.toLocaleString('en-US')} events | measured | target |`);
console.log('|---|---:|---|');
for (const [what, value, target] of rows) console.log(`| ${what} | ${value} | ${target} |`);
