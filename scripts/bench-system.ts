// What does one refresh of the process list cost, per way of reading it, on a machine with ~1,000
// processes? Run with `npx tsx scripts/bench-system.ts` (Linux only).
//
// How CPU is measured, and why it is comparable across in-process and forking readers:
// - Our own process: process.cpuUsage() (user + system) before and after each refresh.
// - Child processes: the cutime + cstime fields of /proc/self/stat. The kernel adds a child's
//   user and system time there when the child is reaped, including the times of grandchildren its
//   shell reaped (systeminformation runs `sh -c 'cat …; cat …'`). Node reaps before it fires
//   'exit', so once execFile's callback has run, the child's whole cost is in those fields.
//   Resolution is one clock tick (10 ms), which is why each figure is averaged over many runs.
// Every reader's figure is own + child CPU. Idle time between runs (systeminformation refuses to
// resample within 500 ms) is excluded, because only the refresh itself is between the readings.

import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import pidusage from 'pidusage';
import si from 'systeminformation';
import { LinuxSampler } from '../src-main/core/system/linux';
import { SystemMonitor } from '../src-main/core/system/monitor';
import { countProcesses, pause, startSleepers, stopSleepers } from './bench-support';

const TARGET_PROCESSES = 1_000;
const MEMORY_REFRESHES = 3_000;
const MEMORY_BUDGET_MS = 80_000;
const USER_HZ = 100;

if (process.platform !== 'linux') {
  console.error('bench-system measures /proc readers and runs on Linux only.');
  process.exit(1);
}

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

// ---- measurement ------------------------------------------------------------------------------

function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

function reapedChildCpuMs(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 of proc(5): cutime and cstime, in clock ticks.
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / USER_HZ;
}

interface Result {
  name: string;
  runs: number;
  ownMs: number;
  childMs: number;
}

async function measure(
  name: string,
  runs: number,
  refresh: () => Promise<unknown>,
  gapMs = 0,
): Promise<Result> {
  await refresh(); // warm-up: first-scan caches, module loading, getconf in pidusage
  let own = 0;
  let child = 0;
  for (let run = 0; run < runs; run++) {
    if (gapMs > 0) await pause(gapMs);
    const ownBefore = ownCpuMs();
    const childBefore = reapedChildCpuMs();
    await refresh();
    own += ownCpuMs() - ownBefore;
    child += reapedChildCpuMs() - childBefore;
  }
  const result = { name, runs, ownMs: own / runs, childMs: child / runs };
  console.error(`  ${name}: ${(result.ownMs + result.childMs).toFixed(1)} ms/refresh`);
  return result;
}

const run = (file: string, args: string[]): Promise<string> =>
  new Promise((resolve, reject) =>
    execFile(file, args, { maxBuffer: 64 * 2 ** 20 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    ),
  );

const hasTool = (file: string): boolean => fs.existsSync(file);

// ---- main -------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const began = Date.now();
  await startSleepers(TARGET_PROCESSES);
  const processCount = countProcesses();
  console.error(`${processCount} processes on this machine; measuring…`);

  const results: Result[] = [];
  const sampler = new LinuxSampler();
  results.push(
    await measure('Procscope LinuxSampler: processes', 50, () => sampler.readProcesses()),
  );
  results.push(
    await measure('Procscope LinuxSampler: processes + threads of all', 20, async () => {
      const rows = await sampler.readProcesses();
      for (const row of rows) await sampler.readThreads(row.pid);
    }),
  );
  const firstScan = await measure(
    'Procscope LinuxSampler: first scan (cold details cache)',
    5,
    () => new LinuxSampler().readProcesses(),
  );
  results.push(firstScan);
  if (hasTool('/usr/bin/top'))
    results.push(await measure('top -b -n 1', 20, () => run('/usr/bin/top', ['-b', '-n', '1'])));
  if (hasTool('/usr/bin/ps')) {
    results.push(
      await measure('ps -eo pid,ppid,stat,pcpu,rss,comm', 20, () =>
        run('/usr/bin/ps', ['-eo', 'pid,ppid,stat,pcpu,rss,comm']),
      ),
    );
  }
  const pids = fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
  results.push(
    await measure('pidusage(allPids)', 20, async () => {
      // A pid that exits mid-call fails the whole batch; that is part of its cost, not a crash.
      await pidusage(pids).catch(() => undefined);
    }),
  );
  // systeminformation serves a cached answer within 500 ms of the last one; wait it out.
  results.push(await measure('systeminformation.processes()', 5, () => si.processes(), 600));

  printTable(processCount, results);
  await memoryRun(began);
}

function printTable(processCount: number, results: Result[]): void {
  const total = (result: Result | undefined): number =>
    result ? result.ownMs + result.childMs : Number.NaN;
  const top = results.find((result) => result.name.startsWith('top'));
  const siResult = results.find((result) => result.name.startsWith('systeminformation'));
  console.log(`\n### CPU per refresh, ${processCount} processes, ${new Date().toISOString()}\n`);
  console.log(
    '| reader | runs | own CPU ms | child CPU ms | total ms/refresh | × top | × cheaper than si |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const result of results) {
    const ms = total(result);
    console.log(
      `| ${result.name} | ${result.runs} | ${result.ownMs.toFixed(1)} | ${result.childMs.toFixed(1)} | ${ms.toFixed(1)} | ` +
        `${(ms / total(top)).toFixed(2)} | ${(total(siResult) / ms).toFixed(1)} |`,
    );
  }
}

/** Heap and RSS across many refreshes of the real monitor, with processes coming and going. */
async function memoryRun(began: number): Promise<void> {
  const monitor = new SystemMonitor({
    sampler: new LinuxSampler(),
    onError: (error) => console.error(error),
  });
  let lifecycle = 0;
  monitor.onLifecycle(() => void lifecycle++);
  monitor.onTick(() => undefined);
  const checkpoints: { refresh: number; heapMb: number; rssMb: number }[] = [];
  const record = (refresh: number): void => {
    collectGarbage();
    const { heapUsed, rss } = process.memoryUsage();
    checkpoints.push({ refresh, heapMb: heapUsed / 2 ** 20, rssMb: rss / 2 ** 20 });
  };
  const deadline = Date.now() + MEMORY_BUDGET_MS;
  let done = 0;
  for (; done < MEMORY_REFRESHES && Date.now() < deadline; done++) {
    // Churn: short-lived children appear and vanish, and the watched set moves with them.
    if (done % 10 === 0) {
      const child = spawn('sleep', ['0.05'], { stdio: 'ignore' });
      const row = (await monitor.refresh())?.upserts.find(
        (candidate) => candidate.pid === child.pid,
      );
      monitor.watch('bench', row ? [row.id] : []);
    } else {
      await monitor.refresh();
    }
    if ((done + 1) % 500 === 0 || done === 99) record(done + 1);
  }
  if (checkpoints.at(-1)?.refresh !== done) record(done);
  monitor.dispose();

  console.log(`\n### Monitor memory over ${done} refreshes (${lifecycle} lifecycle events)\n`);
  console.log('| refresh | heap MB | RSS MB |');
  console.log('|---:|---:|---:|');
  for (const point of checkpoints)
    console.log(`| ${point.refresh} | ${point.heapMb.toFixed(2)} | ${point.rssMb.toFixed(1)} |`);
  const settled = checkpoints.find((point) => point.refresh >= 500) ?? checkpoints[0];
  const last = checkpoints.at(-1);
  if (settled && last) {
    const growth = last.heapMb - settled.heapMb;
    console.log(
      `\nHeap from refresh ${settled.refresh} to ${last.refresh}: ${growth >= 0 ? '+' : ''}${growth.toFixed(2)} MB → ` +
        `${Math.abs(growth) < 1 ? 'flat' : 'NOT flat'}. Total run time ${((Date.now() - began) / 1000).toFixed(0)} s.`,
    );
  }
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(stopSleepers);
