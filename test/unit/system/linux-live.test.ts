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

    expect(await monitor.signal(row!, 'kill', false)).toEqual({ signalled: [id] });
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
    const sampler = new LinuxSampler();
    const leftover = await sampler.readProcess(sleepRow.pid);
    // Reaped, or at worst a zombie waiting for its new parent to reap it.
    expect(
      leftover === undefined || leftover.state === 'Z' || leftover.startTime !== sleepRow.startTime,
    ).toBe(true);
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
