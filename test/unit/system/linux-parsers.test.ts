import { describe, expect, it } from 'vitest';
import {
  parseAuxv,
  parseBootTime,
  parseCmdline,
  parseCpuLines,
  parseMeminfo,
  parsePasswd,
  parseProcStat,
  parseStatusUid,
} from '../../../src-main/core/system/linux';

/** A real stat line shape (kernel 6.x), with comm replaced. */
const statLine = (comm: string, state = 'S'): string =>
  `4242 (${comm}) ${state} 17 4242 4242 34816 4242 4194560 1020 0 3 0 250 75 0 0 20 0 3 0 123456 12345678 2048 ` +
  '18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n';

describe('parseProcStat', () => {
  it('reads the fields after comm', () => {
    expect(parseProcStat(statLine('sleep'))).toEqual({
      comm: 'sleep',
      state: 'S',
      ppid: 17,
      flags: 4194560,
      cpuTicks: 325,
      priority: 20,
      nice: 0,
      threads: 3,
      startTicks: 123456,
      rssPages: 2048,
    });
  });

  it.each([
    ['spaces', 'Web Content'],
    ['a closing paren and space', 'evil) S 1 2 3'],
    ['nested parens', '((sd-pam))'],
    ['only parens', ')'],
    ['an empty name', ''],
  ])('takes comm up to the LAST ")" when it contains %s', (_, comm) => {
    const parsed = parseProcStat(statLine(comm, 'R'));
    expect(parsed?.comm).toBe(comm);
    expect(parsed?.state).toBe('R');
    expect(parsed?.ppid).toBe(17);
    expect(parsed?.startTicks).toBe(123456);
  });

  it('rejects truncated or garbled records instead of inventing numbers', () => {
    expect(parseProcStat('')).toBeUndefined();
    expect(parseProcStat('4242 (sleep) S 1 2')).toBeUndefined();
    expect(parseProcStat('no parens at all')).toBeUndefined();
    expect(parseProcStat(statLine('x').replace('250 75', 'abc 75'))).toBeUndefined();
  });
});

describe('/proc text files', () => {
  const procStat = [
    'cpu  6982 0 3316 48856 307 0 88 14 0 0',
    'cpu0 3129 0 1307 25296 33 0 19 5 0 0',
    'cpu1 3852 10 2009 23560 273 2 68 9 7 0',
    'intr 1 2 3',
    'btime 1795621911',
    'processes 5130',
  ].join('\n');

  it('parses per-core ticks, skipping the aggregate line and counting iowait as idle', () => {
    expect(parseCpuLines(procStat)).toEqual([
      { busy: 3129 + 1307 + 19 + 5, total: 3129 + 1307 + 19 + 5 + 25296 + 33 },
      { busy: 3852 + 10 + 2009 + 2 + 68 + 9, total: 3852 + 10 + 2009 + 2 + 68 + 9 + 23560 + 273 },
    ]);
  });

  it('parses btime', () => {
    expect(parseBootTime(procStat)).toBe(1795621911);
    expect(parseBootTime('cpu 1 2 3')).toBeUndefined();
  });

  it('uses MemAvailable, falling back to MemFree on old kernels', () => {
    const modern =
      'MemTotal:       24684096 kB\nMemFree:        23648840 kB\nMemAvailable:   24301236 kB\n';
    expect(parseMeminfo(modern)).toEqual({
      totalBytes: 24684096 * 1024,
      usedBytes: (24684096 - 24301236) * 1024,
    });
    const old = 'MemTotal:       1000 kB\nMemFree:         400 kB\nBuffers: 10 kB\n';
    expect(parseMeminfo(old)).toEqual({ totalBytes: 1000 * 1024, usedBytes: 600 * 1024 });
    expect(parseMeminfo('')).toBeUndefined();
  });

  it('reads swap in use as SwapTotal − SwapFree, as free(1) does', () => {
    const text =
      'MemTotal: 8000 kB\nMemAvailable: 6000 kB\nSwapTotal: 2048 kB\nSwapFree: 1536 kB\n';
    expect(parseMeminfo(text)).toEqual({
      totalBytes: 8000 * 1024,
      usedBytes: 2000 * 1024,
      swapTotalBytes: 2048 * 1024,
      swapUsedBytes: 512 * 1024,
    });
  });

  it('takes the effective uid from status', () => {
    expect(parseStatusUid('Name:\tsudo\nUid:\t1000\t0\t0\t0\nGid:\t1000\t1000\t1000\t1000\n')).toBe(
      0,
    );
    expect(parseStatusUid('Name:\tx\n')).toBeUndefined();
  });

  it('maps uids to names and ignores comments and blank lines', () => {
    const users = parsePasswd(
      'root:x:0:0:root:/root:/bin/bash\n# comment:x:5\n\nada:x:1000:1000::/home/ada:/bin/sh\n',
    );
    expect([...users]).toEqual([
      [0, 'root'],
      [1000, 'ada'],
    ]);
  });

  it('splits NUL-separated argv and keeps empty arguments in the middle', () => {
    expect(parseCmdline('python3\0-c\0\0print(1)\0')).toEqual(['python3', '-c', '', 'print(1)']);
    expect(parseCmdline('postgres: checkpointer ')).toEqual(['postgres: checkpointer ']);
    expect(parseCmdline('')).toEqual([]);
    // setproctitle pads the old argv area with NULs.
    expect(parseCmdline('nginx: worker process\0\0\0\0')).toEqual(['nginx: worker process']);
  });

  it('finds page size and USER_HZ in the auxiliary vector, whatever the word size and byte order', () => {
    const vector = [
      [33, 0x7fff0000],
      [6, 16384],
      [17, 100],
      [0, 0],
      [6, 1],
    ];
    for (const [wordBytes, littleEndian] of [
      [8, true],
      [4, false],
    ] as const) {
      const data = Buffer.alloc(vector.length * 2 * wordBytes);
      vector.flat().forEach((value, index) => {
        const offset = index * wordBytes;
        if (wordBytes === 8) data.writeBigUInt64LE(BigInt(value), offset);
        else data.writeUInt32BE(value, offset);
      });
      expect(parseAuxv(data, wordBytes, littleEndian)).toEqual({
        pageSize: 16384,
        clockTicks: 100,
      });
    }
  });
});
