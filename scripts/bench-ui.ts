// What does it cost to leave the System view open, next to leaving `top` or `htop` open? Run
// `npm run build` first, then `npx tsx scripts/bench-ui.ts` (Linux: it tops the machine up with
// idle sleepers to 1,000 and then 4,000 processes).
//
// Side by side, in one window of time: the browser-mode backend (the same Node code the Electron
// main process runs) and headless Chromium showing the System view, a `top -d 1` and an
// `htop -d 10` (both refresh every second) running in their own tmux terminals. Every figure is
// CPU time read from /proc/<pid>/stat (utime + stime) at the start and the end of the window, so
// all four are measured the same way. The page's figure is every Chromium process together
// (browser, renderer, GPU and utility processes): that is what a window costs.
//
// Then, at the larger size, how the view copes while a person scrolls it:
// - Tick update: from a system.tick frame arriving to the DOM having been updated.
// - Frame interval: requestAnimationFrame deltas while ticks arrive and the table is scrolled.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, startServer, type RunningServer } from '../test/e2e/harness';
import {
  countProcesses,
  pause,
  percentile,
  recordFrameIntervals,
  startSleepers,
  stopSleepers,
} from './bench-support';

const SIZES = [1_000, 4_000];
/** How long each side-by-side window lasts. */
const WINDOW_MS = Number(process.env.PROCSCOPE_BENCH_WINDOW_MS ?? 30_000);
/** Scrolling, at the larger size. */
const SCROLL_MS = 12_000;
/** The page's profile, at the smaller size. */
const PROFILE_MS = 15_000;
const USER_HZ = 100;
const TMUX_SOCKET = `procscope-bench-${process.pid}`;

declare global {
  interface Window {
    __tickUpdates: number[];
  }
}

if (process.platform !== 'linux') {
  console.error('bench-ui reads CPU times from /proc and runs on Linux only.');
  process.exit(1);
}

// ---- reading processes -----------------------------------------------------------------------

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime, ms. */
  cpuMs: number;
}

function readProc(pid: number): Proc | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    return {
      pid,
      comm: stat.slice(stat.indexOf('(') + 1, close),
      ppid: Number(fields[1]),
      cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ,
    };
  } catch {
    return undefined;
  }
}

function allProcs(): Proc[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProc(Number(name)))
    .filter((proc) => proc !== undefined);
}

/** `root` and everything below it. */
function treeOf(root: number, procs = allProcs()): Proc[] {
  const children = new Map<number, Proc[]>();
  for (const proc of procs) children.set(proc.ppid, [...(children.get(proc.ppid) ?? []), proc]);
  const found: Proc[] = [];
  const self = procs.find((proc) => proc.pid === root);
  const queue = self ? [self] : [];
  while (queue.length > 0) {
    const next = queue.shift()!;
    found.push(next);
    queue.push(...(children.get(next.pid) ?? []));
  }
  return found;
}

/** A Chromium process's role, from its command line: renderer, gpu-process, utility… or browser. */
function chromiumRole(pid: number): string {
  try {
    // Chromium rewrites its argv into one space-separated title, so split on both.
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
    const type = argv.find((arg) => arg.startsWith('--type='))?.slice('--type='.length);
    if (type === 'utility') {
      const name = argv.find((arg) => arg.startsWith('--utility-sub-type='));
      return `utility (${name?.split('.').at(-2) ?? '?'})`;
    }
    return type ?? 'browser';
  } catch {
    return 'exited';
  }
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? NaN) / 1024;
}

/** CPU ms of a set of processes, found again by a function so late-born helpers count too. */
type Group = () => Proc[];

function cpuOf(group: Group): Map<number, number> {
  return new Map(group().map((proc) => [proc.pid, proc.cpuMs]));
}

function spent(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

// ---- the reference tools ---------------------------------------------------------------------

const tmux = (...args: string[]): string =>
  execFileSync('tmux', ['-L', TMUX_SOCKET, ...args], {
    encoding: 'utf8',
    env: { ...process.env, TERM: 'xterm-256color' },
  });

/** Starts `command` in a detached 160×48 terminal; returns the pid of the named program in it. */
async function inTerminal(session: string, command: string, program: string): Promise<number> {
  tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '48', command);
  const shell = Number(tmux('list-panes', '-t', session, '-F', '#{pane_pid}').trim());
  for (let waited = 0; waited < 5000; waited += 100) {
    const found = treeOf(shell).find((proc) => proc.comm === program);
    if (found) return found.pid;
    await pause(100);
  }
  throw new Error(`${program} did not start in tmux`);
}

function stopTerminals(): void {
  try {
    tmux('kill-server');
  } catch {
    // No server left.
  }
}
process.on('exit', stopTerminals);

// ---- the page --------------------------------------------------------------------------------

/** Stamps each tick frame as it arrives, before the app's own handler runs. */
async function instrument(page: Page): Promise<void> {
  await page.addInitScript(`{
    window.__tickUpdates = [];
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(url, protocols) {
        super(url, protocols);
        // Registered in the constructor, so it runs before the handler the app sets afterwards.
        this.addEventListener('message', (event) => {
          if (typeof event.data !== 'string' || !event.data.startsWith('{"kind":"event","name":"system.tick"')) return;
          const arrived = performance.now();
          setTimeout(() => window.__tickUpdates.push(performance.now() - arrived), 0);
        });
      }
    };
  }`);
}

async function openSystemView(browser: Browser, server: RunningServer): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await instrument(page);
  await page.goto(server.url);
  await page.getByRole('tab', { name: 'System' }).click();
  await page.getByRole('grid').waitFor();
  return page;
}

// ---- one size --------------------------------------------------------------------------------

interface Cost {
  processes: number;
  backend: number;
  page: number;
  pageProcesses: number;
  /** The page's CPU ms per second by Chromium process role, largest first. */
  pageByRole: Array<[string, number]>;
  top: number;
  htop: number;
  backendRssMb: number;
}

async function costAt(size: number, browser: Browser, server: RunningServer): Promise<Cost> {
  await startSleepers(size);
  const processes = countProcesses();
  const top = await inTerminal(`top-${size}`, 'top -d 1', 'top');
  const htop = await inTerminal(`htop-${size}`, 'htop -d 10', 'htop');
  const page = await openSystemView(browser, server);
  // The first snapshot, the tools' first screens, the JIT: none of it is what staying open costs.
  await pause(5000);

  const serverPid = server.process.pid!;
  const groups: Record<'backend' | 'page' | 'top' | 'htop', Group> = {
    backend: () => treeOf(serverPid),
    // Chromium is our child too (and the only Chromium below us).
    page: () => treeOf(process.pid).filter((proc) => /^chrom/.test(proc.comm)),
    top: () => [readProc(top)].filter((proc) => proc !== undefined),
    htop: () => [readProc(htop)].filter((proc) => proc !== undefined),
  };
  const before = Object.fromEntries(
    Object.entries(groups).map(([name, group]) => [name, cpuOf(group)]),
  );
  const began = performance.now();
  await pause(WINDOW_MS);
  const seconds = (performance.now() - began) / 1000;
  const after = Object.fromEntries(
    Object.entries(groups).map(([name, group]) => [name, cpuOf(group)]),
  );
  const perSecond = (name: keyof typeof groups): number =>
    spent(before[name]!, after[name]!) / seconds;
  const cost: Cost = {
    processes,
    backend: perSecond('backend'),
    page: perSecond('page'),
    pageProcesses: after.page!.size,
    pageByRole: byRole(before.page!, after.page!, seconds),
    top: perSecond('top'),
    htop: perSecond('htop'),
    backendRssMb: rssMb(serverPid),
  };
  await page.context().close();
  stopTerminals();
  return cost;
}

function byRole(
  before: Map<number, number>,
  after: Map<number, number>,
  seconds: number,
): Array<[string, number]> {
  const roles = new Map<string, number>();
  for (const [pid, ms] of after) {
    const role = chromiumRole(pid);
    roles.set(role, (roles.get(role) ?? 0) + (ms - (before.get(pid) ?? 0)) / seconds);
  }
  return [...roles].sort((a, b) => b[1] - a[1]);
}

function printCost(cost: Cost): void {
  const row = (name: string, ms: number, rss = '') =>
    console.log(`| ${name} | ${ms.toFixed(1)} | ${rss} |`);
  console.log(
    `\n### Leaving it open: ${cost.processes.toLocaleString('en')} processes, 1 refresh per second, ${(WINDOW_MS / 1000).toFixed(0)} s, same run\n`,
  );
  console.log('| process | CPU ms per second | RSS |');
  console.log('|---|---:|---:|');
  row('Procscope backend (Node)', cost.backend, `${cost.backendRssMb.toFixed(0)} MB`);
  row(`Procscope page (Chromium, ${cost.pageProcesses} processes)`, cost.page);
  for (const [role, ms] of cost.pageByRole) row(`· page: ${role}`, ms);
  row('`top -d 1`', cost.top);
  row('`htop -d 10`', cost.htop);
  const backendRatio = cost.backend / cost.top;
  const totalRatio = (cost.backend + cost.page) / cost.htop;
  console.log(
    `\nbackend ÷ top = **${backendRatio.toFixed(2)}×** (target ≤ 1.0) · ` +
      `(backend + page) ÷ htop = **${totalRatio.toFixed(2)}×** (target ≤ 1.0) · ` +
      `backend RSS ${cost.backendRssMb.toFixed(0)} MB (target ≤ 100 MB)`,
  );
}

// ---- where the page's time goes ---------------------------------------------------------------

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/**
 * A V8 CPU profile of the page's main thread while it sits open, summed by function (self
 * time). Run apart from the measured window: the profiler costs the page CPU of its own.
 */
async function profilePage(browser: Browser, server: RunningServer): Promise<void> {
  const page = await openSystemView(browser, server);
  await pause(5000);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  await pause(PROFILE_MS);
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as {
    profile: { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] };
  };
  await page.context().close();
  const hits = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    const file =
      url
        .split('/')
        .at(-1)
        ?.replace(/-[\w-]{8}\.js$/, '.js') ?? '';
    const key = url ? `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}` : functionName;
    hits.set(key, (hits.get(key) ?? 0) + (node.hitCount ?? 0));
    total += node.hitCount ?? 0;
  }
  const sampleMs = (profile.endTime - profile.startTime) / 1000 / profile.samples.length;
  const busyMs = total * sampleMs;
  console.log(
    `\n### Where the page's main thread spends its time (V8 profile, ${PROFILE_MS / 1000} s, ` +
      `${(busyMs / (PROFILE_MS / 1000)).toFixed(1)} ms busy per second)\n`,
  );
  console.log('| self time | function |');
  console.log('|---:|---|');
  for (const [key, count] of [...hits].sort((a, b) => b[1] - a[1]).slice(0, 12))
    console.log(`| ${((100 * count) / total).toFixed(1)} % | \`${key}\` |`);
}

// ---- scrolling at the larger size ------------------------------------------------------------

async function scrolling(browser: Browser, server: RunningServer): Promise<void> {
  const page = await openSystemView(browser, server);
  await page.waitForTimeout(3000);
  await page.evaluate(() => {
    window.__tickUpdates.length = 0;
  });
  const grid = page.getByRole('grid');
  const box = await grid.boundingBox();
  if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await recordFrameIntervals(page, SCROLL_MS);
  // Scroll down and up through the list the whole time, as a user reading it would.
  const began = Date.now();
  for (let step = 0; Date.now() - began < SCROLL_MS; step++) {
    await page.mouse.wheel(0, step % 80 < 40 ? 120 : -120);
    await page.waitForTimeout(50);
  }
  const { updates, intervals, rows } = await page.evaluate(() => ({
    updates: window.__tickUpdates,
    intervals: window.__frameIntervals,
    rows: document.querySelectorAll('[role="row"]').length,
  }));
  const shownCount = await page
    .getByText(/\d[\d,]* processes/)
    .first()
    .textContent();
  const dropped = intervals.filter((value) => value > 25).length;
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  console.log(`\n### Scrolling the System view (${shownCount?.trim()})\n`);
  console.log('| measure | p50 | p95 | max | target |');
  console.log('|---|---:|---:|---:|---|');
  console.log(
    `| tick update, ${updates.length} ticks | ${ms(percentile(updates, 50))} | ${ms(percentile(updates, 95))} | ${ms(Math.max(...updates))} | p95 ≤ 16 ms |`,
  );
  console.log(
    `| frame interval while scrolling, ${intervals.length} frames | ${ms(percentile(intervals, 50))} | ${ms(percentile(intervals, 95))} | ${ms(Math.max(...intervals))} | ≤ 16.7 ms at 60 Hz |`,
  );
  console.log(
    `\n${dropped} of ${intervals.length} frames took longer than 25 ms; ${rows} rows were in the DOM.`,
  );
  await page.context().close();
}

async function main(): Promise<void> {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    for (const size of SIZES) {
      console.error(`measuring at ${size} processes…`);
      printCost(await costAt(size, browser, server));
      if (size === SIZES[0]) await profilePage(browser, server);
    }
    await scrolling(browser, server);
  } finally {
    stopTerminals();
    await browser.close();
    await server.stop();
    await stopSleepers();
  }
}

await main();
