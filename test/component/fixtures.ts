import type {
  MachineInfo,
  ProcessRow,
  SystemLoad,
  SystemSnapshot,
  SystemTick,
} from '$common/system';

export const machine: MachineInfo = {
  hostname: 'lab-pc-07',
  platform: 'linux',
  osName: 'Debian GNU/Linux',
  osRelease: '12',
  arch: 'x64',
  cpuModel: 'Example CPU @ 3.0GHz',
  logicalCores: 4,
  physicalCores: 2,
  totalMemoryBytes: 8 * 1024 ** 3,
};

export function load(overrides: Partial<SystemLoad> = {}): SystemLoad {
  return {
    cpuPerCore: [10, 20, 30, 40],
    cpuTotal: 25,
    memoryUsedBytes: 2 * 1024 ** 3,
    memoryTotalBytes: 8 * 1024 ** 3,
    loadAverage: [0.5, 0.25, 0.1],
    uptimeSeconds: 3725,
    processCount: 412,
    threadCount: 1203,
    ...overrides,
  };
}

export function row(pid: number, overrides: Partial<ProcessRow> = {}): ProcessRow {
  const startTime = 1_700_000_000_000 + pid;
  return {
    pid,
    startTime,
    id: `${pid}:${startTime}`,
    ppid: 1,
    name: `proc${pid}`,
    user: 'student',
    state: 'S',
    cpu: 0,
    cpuTimeMs: 12_340,
    rssBytes: 1024 * 1024,
    threads: 1,
    nice: 0,
    priority: 20,
    command: `/usr/bin/proc${pid} --flag`,
    exe: `/usr/bin/proc${pid}`,
    complete: true,
    ...overrides,
  };
}

export function snapshot(processes: ProcessRow[], seq = 10): SystemSnapshot {
  return { seq, at: 1_700_000_100_000, intervalMs: 1000, paused: false, load: load(), processes };
}

export function tick(seq: number, changes: Partial<SystemTick> = {}): SystemTick {
  return {
    seq,
    at: 1_700_000_100_000 + seq * 1000,
    intervalMs: 1000,
    paused: false,
    load: load(),
    upserts: [],
    removed: [],
    threads: {},
    ...changes,
  };
}
