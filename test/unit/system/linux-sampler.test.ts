// LinuxSampler against a fabricated /proc tree: the awkward cases (kernel threads, zombies,
// processes that vanish between readdir and open, unreadable status) on demand.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LinuxSampler } from '../../../src-main/core/system/linux';

const BTIME = 1_700_000_000;
const PF_KTHREAD = 0x00200000;

interface FakeProcess {
  pid: number;
  comm: string;
  ppid?: number;
  state?: string;
  flags?: number;
  startTicks?: number;
  ticks?: [number, number];
  uid?: number | null;
  cmdline?: string;
  exe?: string | null;
  threads?: { tid: number; comm: string; ticks: [number, number]; children?: number[] }[];
  /** statm's first three fields, in pages: size, resident, shared. */
  statm?: [number, number, number];
}

function stat(
  pid: number,
  p: Required<Pick<FakeProcess, 'comm' | 'ppid' | 'state' | 'flags' | 'startTicks' | 'ticks'>>,
  threads: number,
): string {
  return (
    `${pid} (${p.comm}) ${p.state} ${p.ppid} ${pid} ${pid} 0 -1 ${p.flags} 100 0 0 0 ${p.ticks[0]} ${p.ticks[1]} 0 0 20 0 ` +
    `${threads} 0 ${p.startTicks} 1000000 25 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n`
  );
}

let root: string;

function write(relative: string, content: string): void {
  const file = path.join(root, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

function addProcess(p: FakeProcess): void {
  const full = {
    ppid: 1,
    state: 'S',
    flags: 0,
    startTicks: 500,
    ticks: [10, 5] as [number, number],
    ...p,
  };
  const threads = p.threads ?? [{ tid: p.pid, comm: p.comm, ticks: full.ticks }];
  write(`${p.pid}/stat`, stat(p.pid, full, threads.length));
  if (p.uid !== null)
    write(
      `${p.pid}/status`,
      `Name:\t${p.comm}\nUid:\t${p.uid ?? 0}\t${p.uid ?? 0}\t${p.uid ?? 0}\t${p.uid ?? 0}\n`,
    );
  write(`${p.pid}/cmdline`, p.cmdline ?? '');
  const [size, resident, shared] = p.statm ?? [2000, 30, 12];
  write(`${p.pid}/statm`, `${size} ${resident} ${shared} 100 0 500 0\n`);
  if (p.exe !== null && p.exe !== undefined) fs.symlinkSync(p.exe, path.join(root, `${p.pid}/exe`));
  for (const thread of threads) {
    write(
      `${p.pid}/task/${thread.tid}/stat`,
      stat(thread.tid, { ...full, comm: thread.comm, ticks: thread.ticks }, threads.length),
    );
    write(
      `${p.pid}/task/${thread.tid}/children`,
      (thread.children ?? []).map((c) => `${c} `).join(''),
    );
  }
}

/** The sampler's clock: each read of it is one millisecond after the one before. */
let now = 0;

function sampler(): LinuxSampler {
  return new LinuxSampler({
    procRoot: root,
    passwdPath: path.join(root, 'passwd'),
    clock: () => ++now,
  });
}

beforeEach(() => {
  now = 0;
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'procscope-proc-'));
  write(
    'stat',
    `cpu  10 0 10 100 0 0 0 0 0 0\ncpu0 5 0 5 50 0 0 0 0 0 0\ncpu1 5 0 5 50 0 0 0 0 0 0\nbtime ${BTIME}\n`,
  );
  write('meminfo', 'MemTotal:       2048 kB\nMemFree:         100 kB\nMemAvailable:   1024 kB\n');
  write('passwd', 'root:x:0:0:root:/root:/bin/bash\nada:x:1000:1000::/home/ada:/bin/sh\n');
  fs.mkdirSync(path.join(root, 'sys'));
  addProcess({
    pid: 1,
    comm: 'init',
    ppid: 0,
    startTicks: 1,
    cmdline: '/sbin/init\0splash\0',
    exe: '/sbin/init',
  });
  addProcess({ pid: 2, comm: 'kthreadd', ppid: 0, flags: PF_KTHREAD, exe: null });
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('LinuxSampler on a fabricated /proc', () => {
  it('derives identity and CPU from stat, memory from statm, and details once', async () => {
    addProcess({
      pid: 300,
      comm: 'tmux: server (1)',
      ppid: 1,
      startTicks: 12345,
      ticks: [150, 50],
      uid: 1000,
      cmdline: 'tmux\0new\0-s\0work\0',
      exe: '/usr/bin/tmux',
      threads: [
        { tid: 300, comm: 'tmux: server (1)', ticks: [100, 50] },
        { tid: 310, comm: 'worker) 1', ticks: [50, 0] },
      ],
      statm: [9000, 27, 11],
    });
    const rows = await sampler().readProcesses();
    const tmux = rows.find((row) => row.pid === 300);
    expect(tmux).toEqual({
      pid: 300,
      ppid: 1,
      // USER_HZ is 100 on x86 and arm: 12345 ticks = 123.45 s after boot.
      startTime: BTIME * 1000 + 123450,
      cpuMs: 2000,
      // statm's resident pages, not stat's approximate field 24 (25 pages here).
      rssBytes: 27 * 4096,
      virtualBytes: 9000 * 4096,
      sharedBytes: 11 * 4096,
      sampledAt: expect.any(Number),
      threads: 2,
      nice: 0,
      priority: 20,
      state: 'S',
      name: 'tmux: server (1)',
      user: 'ada',
      command: 'tmux new -s work',
      exe: '/usr/bin/tmux',
      complete: true,
    });
  });

  it('treats kernel threads and zombies as complete despite having no argv or executable', async () => {
    addProcess({ pid: 301, comm: 'defunct-child', state: 'Z', exe: null });
    const rows = await sampler().readProcesses();
    const kthreadd = rows.find((row) => row.pid === 2);
    const zombie = rows.find((row) => row.pid === 301);
    expect(kthreadd).toMatchObject({
      command: '[kthreadd]',
      exe: '',
      complete: true,
      user: 'root',
    });
    expect(zombie).toMatchObject({
      state: 'Z',
      command: '[defunct-child]',
      exe: '',
      complete: true,
    });
  });

  it('keeps what it can read and marks the row incomplete', async () => {
    addProcess({ pid: 302, comm: 'secretive', uid: null, cmdline: 'secretive\0', exe: null });
    const row = (await sampler().readProcesses()).find((candidate) => candidate.pid === 302);
    expect(row).toMatchObject({
      name: 'secretive',
      user: '',
      command: 'secretive',
      exe: '',
      complete: false,
    });
  });

  it('skips a process that vanished between readdir and reading its stat', async () => {
    fs.mkdirSync(path.join(root, '303'));
    const pids = (await sampler().readProcesses()).map((row) => row.pid).sort((a, b) => a - b);
    expect(pids).toEqual([1, 2]);
  });

  it('restores names the kernel truncated to 15 bytes from argv[0]', async () => {
    addProcess({
      pid: 304,
      comm: 'systemd-journal',
      cmdline: '/lib/systemd/systemd-journald\0',
      exe: '/lib/systemd/systemd-journald',
    });
    addProcess({ pid: 305, comm: 'kworker/u8:3-ev', cmdline: 'unrelated\0', exe: '/x' });
    const rows = await sampler().readProcesses();
    expect(rows.find((row) => row.pid === 304)?.name).toBe('systemd-journald');
    expect(rows.find((row) => row.pid === 305)?.name).toBe('kworker/u8:3-ev');
  });

  it('reads details once per (pid, start time), again after exec or pid reuse, and forgets exited pids', async () => {
    const linux = sampler();
    addProcess({ pid: 400, comm: 'bash', startTicks: 1000, cmdline: 'bash\0', exe: '/bin/bash' });
    const command = async (): Promise<string | undefined> =>
      (await linux.readProcesses()).find((row) => row.pid === 400)?.command;
    expect(await command()).toBe('bash');

    write('400/cmdline', 'bash\0--changed\0');
    expect(await command()).toBe('bash');

    // exec(2) keeps pid and start time but replaces comm: the details must follow.
    write(
      '400/stat',
      fs.readFileSync(path.join(root, '400/stat'), 'utf8').replace('(bash)', '(python3)'),
    );
    write('400/cmdline', 'python3\0app.py\0');
    expect(await command()).toBe('python3 app.py');

    // Same pid, new start time: a different process.
    fs.rmSync(path.join(root, '400'), { recursive: true });
    addProcess({
      pid: 400,
      comm: 'python3',
      startTicks: 2000,
      cmdline: 'python3\0other.py\0',
      exe: '/bin/python3',
    });
    expect(await command()).toBe('python3 other.py');

    // Gone for one scan, then back with the same identity: the cache was pruned, so it is re-read.
    fs.rmSync(path.join(root, '400'), { recursive: true });
    expect(await command()).toBeUndefined();
    addProcess({
      pid: 400,
      comm: 'python3',
      startTicks: 2000,
      cmdline: 'python3\0third.py\0',
      exe: '/bin/python3',
    });
    expect(await command()).toBe('python3 third.py');
  });

  it('reads threads with their own names and times, and undefined for a missing process', async () => {
    addProcess({
      pid: 500,
      comm: 'python3',
      threads: [
        { tid: 500, comm: 'python3', ticks: [3, 1] },
        { tid: 501, comm: 'Thread (worker)', ticks: [20, 2] },
      ],
    });
    const linux = sampler();
    expect(await linux.readThreads(500)).toEqual([
      { tid: 500, name: 'python3', state: 'S', cpuMs: 40 },
      { tid: 501, name: 'Thread (worker)', state: 'S', cpuMs: 220 },
    ]);
    expect(await linux.readThreads(999)).toBeUndefined();
    expect(await linux.readProcess(999)).toBeUndefined();
    expect((await linux.readProcess(500))?.startTime).toBe(BTIME * 1000 + 5000);
  });

  it('reads per-core ticks and MemAvailable-based memory', async () => {
    const linux = sampler();
    expect(await linux.readCpuTimes()).toEqual([
      { busy: 10, total: 60 },
      { busy: 10, total: 60 },
    ]);
    expect(await linux.readMemory()).toEqual({ totalBytes: 2048 * 1024, usedBytes: 1024 * 1024 });
  });

  it('reads /proc/stat whole: 256 cores, and btime after a long intr line', async () => {
    const cpus = Array.from({ length: 256 }, (_, i) => `cpu${i} ${i} 0 ${i} 1000 0 0 0 0 0 0`);
    // A big machine counts every interrupt source on one line, before btime.
    const intr = `intr ${Array.from({ length: 4000 }, (_, i) => i * 7).join(' ')}`;
    const btime = 1_650_000_000;
    write(
      'stat',
      [`cpu  1 0 1 256000 0 0 0 0 0 0`, ...cpus, intr, 'ctxt 1', `btime ${btime}`, ''].join('\n'),
    );
    expect(fs.statSync(path.join(root, 'stat')).size).toBeGreaterThan(8192 * 3);
    const big = sampler();
    const cores = await big.readCpuTimes();
    expect(cores).toHaveLength(256);
    expect(cores[255]).toEqual({ busy: 510, total: 1510 });
    // btime read, not guessed from uptime: start times are boot time + start ticks.
    expect((await big.readProcess(1))?.startTime).toBe(btime * 1000 + 10);
  });

  it('stamps every process with the time of its own read', async () => {
    for (let pid = 600; pid < 610; pid++) addProcess({ pid, comm: `p${pid}` });
    const rows = await sampler().readProcesses();
    const stamps = rows.map((row) => row.sampledAt!);
    expect(new Set(stamps).size).toBe(rows.length);
    // In the order of reading, each after the one before.
    expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
  });

  it('re-reads argv after a process rewrote it while it ran, cheaply', async () => {
    const linux = sampler();
    const command = async (): Promise<string | undefined> =>
      (await linux.readProcesses()).find((row) => row.pid === 700)?.command;
    addProcess({ pid: 700, comm: 'postgres', cmdline: 'postgres\0-D\0/data\0', exe: '/pg' });
    expect(await command()).toBe('postgres -D /data');

    // setproctitle: argv rewritten in place, comm unchanged, and the process ran to do it.
    write('700/cmdline', 'postgres: checkpointer\0\0\0\0');
    write(
      '700/stat',
      fs.readFileSync(path.join(root, '700/stat'), 'utf8').replace(' 10 5 0 0 ', ' 12 5 0 0 '),
    );
    // Not within the recheck interval of the last read…
    expect(await command()).toBe('postgres -D /data');
    // …but once it has passed.
    now += 2_000;
    expect(await command()).toBe('postgres: checkpointer');
  });

  it('re-reads every argv within 30 scans even without a CPU tick to show for it', async () => {
    const linux = sampler();
    addProcess({ pid: 701, comm: 'nginx', cmdline: 'nginx\0', exe: '/nginx' });
    const command = async (): Promise<string | undefined> =>
      (await linux.readProcesses()).find((row) => row.pid === 701)?.command;
    expect(await command()).toBe('nginx');
    write('701/cmdline', 'nginx: worker process\0');
    const seen: (string | undefined)[] = [];
    for (let scan = 0; scan < 30; scan++) seen.push(await command());
    expect(seen.at(-1)).toBe('nginx: worker process');
    // And not on every scan: the first several kept the line read before.
    expect(seen.slice(0, 5)).toEqual(Array(5).fill('nginx'));
  });

  it('lists the children of every thread, as they are now', async () => {
    addProcess({
      pid: 800,
      comm: 'bash',
      threads: [
        { tid: 800, comm: 'bash', ticks: [1, 1], children: [801, 802] },
        { tid: 805, comm: 'helper', ticks: [1, 1], children: [803] },
      ],
    });
    for (const pid of [801, 802, 803]) addProcess({ pid, comm: `c${pid}`, ppid: 800 });
    const children = await sampler().readChildren(800);
    expect(children.map((child) => child.pid).sort()).toEqual([801, 802, 803]);
    expect(children[0]?.startTime).toBe(BTIME * 1000 + 5000);
    expect(await sampler().readChildren(999)).toEqual([]);
  });

  it('finds children by their parent where the kernel has no children files', async () => {
    addProcess({ pid: 810, comm: 'make' });
    addProcess({ pid: 811, comm: 'cc', ppid: 810 });
    for (const file of fs.readdirSync(path.join(root, '810/task')))
      fs.rmSync(path.join(root, `810/task/${file}/children`));
    expect((await sampler().readChildren(810)).map((child) => child.pid)).toEqual([811]);
  });

  it('reads disk I/O only when asked, and leaves it out where io is unreadable', async () => {
    addProcess({ pid: 900, comm: 'dd' });
    write('900/io', 'rchar: 10\nwchar: 20\nread_bytes: 4096\nwrite_bytes: 8192\n');
    addProcess({ pid: 901, comm: 'other-user' });
    const linux = sampler();
    const find = async (pid: number) => (await linux.readProcesses()).find((r) => r.pid === pid);
    expect((await find(900))?.diskReadBytes).toBeUndefined();
    linux.setDiskIo(true);
    expect(await find(900)).toMatchObject({ diskReadBytes: 4096, diskWriteBytes: 8192 });
    expect((await find(901))?.diskReadBytes).toBeUndefined();
  });
});
