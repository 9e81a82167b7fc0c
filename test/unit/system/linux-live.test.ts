// The real thing: this machine's /proc, real children, real signals.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processId, type ProcessRow } from '../../../src-main/common/system';
import { LinuxSampler } from '../../../src-main/core/system/linux';
import { SystemMonitor, type LifecycleEvent } from '../../../src-main/core/system/monitor';
import { probeProcesses } from '../../../src-main/core/system/probe';

/**
 * Renames itself (PR_SET_NAME on the main thread is the process's comm) and starts one thread
 * that names itself and burns CPU, so both identity and per-thread CPU can be checked.
 */
const PYTHON_CHILD = `
import ctypes, sys, threading, time
libc = ctypes.CDLL(None)
libc.prctl(15, sys.argv[1].encode(), 0, 0, 0)
def work():
    libc.prctl(15, b'psc-worker', 0, 0, 0)
    while True:
        sum(range(10000))
threading.Thread(target=work, daemon=True).start()
print('ready', flush=True)
time.sleep(600)
`;

/**
 * Rewrites its own argv the way setproctitle, nginx and postgres do: in place, in the memory the
 * kernel reads /proc/<pid>/cmdline from (arg_start..arg_end, fields 48-49 of stat), NUL-padded.
 * Then works a little, as a server does around a title change, and sleeps.
 */
const RETITLE = `
import sys, time
def retitle(title):
    with open('/proc/self/stat') as f: fields = f.read().rsplit(')', 1)[1].split()
    start, end = int(fields[45]), int(fields[46])
    data = title.encode()[: end - start - 1]
    with open('/proc/self/mem', 'r+b', buffering=0) as mem:
        mem.seek(start)
        mem.write(data + b'\\0' * (end - start - len(data)))
print('ready', flush=True)
sys.stdin.readline()
retitle('psc-retitled: idle')
began = time.process_time()
while time.process_time() - began < 0.05: pass
print('done', flush=True)
time.sleep(600)
`;

const children: ChildProcess[] = [];

async function spawnNamed(name: string): Promise<ChildProcess> {
  const child = spawn('python3', ['-c', PYTHON_CHILD, name], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  expect(chunk.toString()).toMatch(/^ready/);
  return child;
}

function spawnSleeper(): ChildProcess {
  const child = spawn('sleep', ['600'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

const exited = (child: ChildProcess): Promise<unknown> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : once(child, 'exit');

const alive = (child: ChildProcess): boolean =>
  child.exitCode === null && child.signalCode === null;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Signals are delivered asynchronously: a stopped process passes through R on its way to T. */
async function stateOf(pid: number, expected: string): Promise<string | undefined> {
  let state: string | undefined;
  for (let attempt = 0; attempt < 50 && state !== expected; attempt++) {
    if (attempt > 0) await pause(20);
    state = (await rowOf(pid))?.state;
  }
  return state;
}

/**
 * `bash -c 'while true; do sleep 600 & sleep 0.1; done'`: a parent that forks a long-lived child
 * every tenth of a second, all carrying a marker in their environment to find them afterwards.
 */
function forkingLoop(): { shell: ChildProcess; marker: string } {
  const marker = `procscope-tree-${process.pid}-${Date.now()}`;
  const shell = spawn('bash', ['-c', 'while true; do sleep 600 & sleep 0.1; done'], {
    env: { ...process.env, PROCSCOPE_TREE_MARKER: marker },
    stdio: 'ignore',
  });
  children.push(shell);
  return { shell, marker };
}

/** Live (non-zombie) processes whose environment carries the marker, from /proc directly. */
function withMarker(marker: string): number[] {
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue;
      if (fs.readFileSync(`/proc/${name}/environ`, 'latin1').includes(`=${marker}\0`))
        found.push(Number(name));
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}

/** Whatever still runs with the marker a moment after the kill (SIGKILL is not instantaneous). */
async function survivors(marker: string): Promise<number[]> {
  let left = withMarker(marker);
  for (let attempt = 0; attempt < 20 && left.length > 0; attempt++) {
    await pause(25);
    left = withMarker(marker);
  }
  for (const pid of left) process.kill(pid, 'SIGKILL');
  return left;
}

async function isDead(pid: number): Promise<boolean> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const state = (await new LinuxSampler().readProcess(pid))?.state;
    if (state === undefined || state === 'Z') return true;
    await pause(25);
  }
  return false;
}

let monitor: SystemMonitor;
let events: LifecycleEvent[];

async function rowOf(pid: number): Promise<ProcessRow | undefined> {
  await monitor.refresh();
  return monitor.snapshot().processes.find((row) => row.pid === pid);
}

beforeEach(() => {
  monitor = new SystemMonitor({ sampler: new LinuxSampler() });
  events = [];
  monitor.onLifecycle((event) => void events.push(event));
});

afterEach(() => monitor.dispose());

afterAll(() => {
  for (const child of children) if (alive(child)) child.kill('SIGKILL');
});

describe('SystemMonitor on this machine', () => {
  it('sees a named child appear with its parent, threads and CPU, kills it and sees it vanish', async () => {
    await monitor.refresh();
    const name = `psc-${String(process.pid).slice(-4)}${String(Date.now()).slice(-4)}`;
    const child = await spawnNamed(name);
    const pid = child.pid!;

    const row = await rowOf(pid);
    expect(row).toMatchObject({
      pid,
      ppid: process.pid,
      name,
      user: os.userInfo().username,
      threads: 2,
    });
    expect(row?.command).toContain('python3 -c');
    const id = row!.id;
    expect(events).toContainEqual(
      expect.objectContaining({ kind: 'appeared', row: expect.objectContaining({ id }) }),
    );

    monitor.watch('test', [id]);
    await monitor.refresh();
    await pause(400);
    const tick = await monitor.refresh();
    const threads = tick?.threads[id] ?? [];
    expect(threads.map((thread) => thread.name).sort()).toEqual([name, 'psc-worker']);
    expect(threads.find((thread) => thread.name === 'psc-worker')?.cpu).toBeGreaterThan(20);
    expect(
      monitor.snapshot().processes.find((candidate) => candidate.id === id)?.cpu,
    ).toBeGreaterThan(20);

    expect(await monitor.signal(row!, 'kill', false)).toEqual({ signalled: [id], zombies: [] });
    await exited(child);
    expect(child.signalCode).toBe('SIGKILL');
    const after = await monitor.refresh();
    expect(after?.removed).toContain(id);
    expect(events).toContainEqual(
      expect.objectContaining({ kind: 'vanished', row: expect.objectContaining({ id }) }),
    );

    await expect(monitor.signal(row!, 'terminate', false)).rejects.toMatchObject({
      code: 'gone',
      message: `Process ${name} (pid ${pid}) has already exited.`,
    });
  });

  it('follows a process that rewrites its argv in place, as setproctitle does', async () => {
    const child = spawn('python3', ['-c', RETITLE, 'psc-original', 'title'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    children.push(child);
    await once(child.stdout!, 'data');
    // The sampler's clock jumps 3 s a scan, so the test need not wait out the recheck interval.
    let now = performance.timeOrigin + performance.now();
    const sampler = new LinuxSampler({ clock: () => (now += 3000) });
    const command = async () =>
      (await sampler.readProcesses()).find((row) => row.pid === child.pid)?.command;
    expect(await command()).toContain('psc-original title');

    child.stdin!.write('retitle\n');
    await once(child.stdout!, 'data');
    expect(fs.readFileSync(`/proc/${child.pid}/comm`, 'utf8')).toMatch(/^python/);
    // Seen at the next scan after it ran (the usual case), or at the latest by the sweep that
    // re-reads every argv once in a while: the kernel's CPU count can lag a short burst.
    const seen: Array<string | undefined> = [];
    while (seen.length <= 30 && seen.at(-1) !== 'psc-retitled: idle') seen.push(await command());
    expect(seen.at(-1)).toBe('psc-retitled: idle');
    child.kill('SIGKILL');
  });

  it('refuses a stale (pid, start time) and signals nothing at all', async () => {
    const bystander = spawnSleeper();
    const row = await rowOf(bystander.pid!);
    expect(row?.name).toBe('sleep');
    // The same pid with another start time: what a recycled pid looks like to a stale client.
    const stale = { pid: row!.pid, startTime: row!.startTime - 10_000 };
    await expect(monitor.signal(stale, 'kill', true)).rejects.toMatchObject({
      code: 'gone',
      message: expect.stringContaining(
        `pid ${row!.pid} now belongs to another process; nothing was signalled.`,
      ),
    });
    await pause(200);
    expect(alive(bystander)).toBe(true);
    expect((await rowOf(bystander.pid!))?.state).toBe('S');
    bystander.kill('SIGKILL');
  });

  it('suspends, resumes and terminates a whole tree, children first', async () => {
    const shell = spawn('sh', ['-c', 'sleep 600 & wait'], { stdio: 'ignore' });
    children.push(shell);
    await pause(200);
    await monitor.refresh();
    const shellRow = monitor.snapshot().processes.find((row) => row.pid === shell.pid)!;
    const sleepRow = monitor
      .snapshot()
      .processes.find((row) => row.ppid === shell.pid && row.name === 'sleep')!;
    expect(sleepRow).toBeDefined();

    await monitor.signal(shellRow, 'suspend', true);
    expect(await stateOf(sleepRow.pid, 'T')).toBe('T');
    expect(await stateOf(shellRow.pid, 'T')).toBe('T');
    await monitor.signal(shellRow, 'resume', true);
    expect(await stateOf(sleepRow.pid, 'S')).toBe('S');

    const { signalled } = await monitor.signal(shellRow, 'terminate', true);
    expect(signalled).toEqual([sleepRow.id, shellRow.id]);
    await exited(shell);
    // Reaped, or at worst a zombie waiting for its new parent to reap it.
    expect(await isDead(sleepRow.pid)).toBe(true);
  });

  it('kills a tree that keeps forking, 0.5 s after a refresh, and leaves no survivor', async () => {
    const { shell, marker } = forkingLoop();
    await pause(600);
    await monitor.refresh();
    const root = monitor.snapshot().processes.find((row) => row.pid === shell.pid)!;
    // The `sleep 600`s only: a `sleep 0.1` seen now may be gone by the time of the kill.
    const sleepersSeen = withMarker(marker).filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1') === 'sleep\u0000600\u0000';
      } catch {
        return false;
      }
    });
    expect(sleepersSeen.length).toBeGreaterThanOrEqual(3);
    // Half a tick later the loop has forked about five more the table has never seen.
    await pause(500);

    const { signalled } = await monitor.signal(root, 'kill', true);
    await exited(shell);
    expect(await survivors(marker)).toEqual([]);
    // Exactly who was reached: the shell, every sleeper seen before, and the ones forked since.
    const reached = signalled.map((id) => Number(id.split(':')[0]));
    expect(reached.at(-1)).toBe(shell.pid);
    expect(reached).toEqual(expect.arrayContaining(sleepersSeen));
    expect(reached.length).toBeGreaterThan(sleepersSeen.length + 3);
    for (const pid of reached) expect(await isDead(pid)).toBe(true);
  });

  it('kills the whole tree of a process younger than the last refresh', async () => {
    await monitor.refresh();
    const { shell, marker } = forkingLoop();
    await pause(500);
    const sampler = new LinuxSampler();
    const key = await sampler.readProcess(shell.pid!);
    expect(monitor.snapshot().processes.some((row) => row.pid === shell.pid)).toBe(false);

    const { signalled } = await monitor.signal(key!, 'kill', true);
    await exited(shell);
    expect(await survivors(marker)).toEqual([]);
    expect(signalled.length).toBeGreaterThanOrEqual(4);
  });

  it('reports permission-denied when another user tries to signal our process', async () => {
    const target = spawnSleeper();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procscope-eperm-'));
    fs.chmodSync(dir, 0o755);
    const script = path.join(dir, 'attempt.mts');
    const monitorModule = path.resolve(__dirname, '../../../src-main/core/system/monitor.ts');
    fs.writeFileSync(
      script,
      `import { SystemMonitor } from ${JSON.stringify(monitorModule)};
const monitor = new SystemMonitor();
await monitor.refresh();
const row = monitor.snapshot().processes.find((candidate) => candidate.pid === ${target.pid});
try {
  await monitor.signal(row, 'terminate', false);
  console.log(JSON.stringify({ code: 'signalled' }));
} catch (error) {
  console.log(JSON.stringify({ code: error.code, message: error.message }));
}
monitor.dispose();
`,
    );
    fs.chmodSync(script, 0o644);
    // Run as "nobody": we are root here, and root may signal anyone.
    const result = spawnSync(process.execPath, ['--import', 'tsx', script], {
      uid: 65534,
      gid: 65534,
      cwd: path.resolve(__dirname, '../../..'),
      env: { ...process.env, HOME: dir },
      encoding: 'utf8',
    });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      code: 'permission-denied',
      message: `Permission denied: you may not terminate process sleep (pid ${target.pid}); it belongs to another user or is protected by the system.`,
    });
    expect(alive(target)).toBe(true);
    target.kill('SIGKILL');
  });
});

describe('probeProcesses on this machine', () => {
  it('reports cumulative CPU of a process and each of its named threads; missing pids are absent', async () => {
    const child = await spawnNamed('psc-probe');
    await pause(300);
    const probed = await probeProcesses([child.pid!, 4_194_304, child.pid!]);
    expect([...probed.keys()]).toEqual([child.pid]);
    const sample = probed.get(child.pid!)!;
    const worker = sample.threads.find((thread) => thread.name === 'psc-worker');
    expect(worker?.cpuMs).toBeGreaterThan(0);
    expect(sample.threads.map((thread) => thread.tid)).toContain(child.pid);
    expect(sample.cpuMs).toBeGreaterThanOrEqual(worker!.cpuMs);
    child.kill('SIGKILL');
    await exited(child);
    expect((await probeProcesses([child.pid!])).size).toBe(0);
  });

  it('identifies a process the same way the table does', async () => {
    const sampler = new LinuxSampler();
    const own = await sampler.readProcess(process.pid);
    const rows = await sampler.readProcesses();
    expect(rows.find((row) => processId(row) === processId(own!))?.pid).toBe(process.pid);
  });
});
