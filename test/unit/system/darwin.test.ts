// macOS parsers and sampler on recorded `ps` output (test/fixtures/system/darwin-*.txt).

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  countThreads,
  DarwinSampler,
  parseCpuTime,
  parseDarwinStats,
  parseDarwinThreadTable,
  parseLstart,
  parsePidColumn,
  PS_STAT_COLUMNS,
} from '../../../src-main/core/system/darwin';

const fixture = (name: string): string =>
  fs.readFileSync(path.join(__dirname, '../../fixtures/system', name), 'utf8');

const local = (month: number, day: number, h: number, m: number, s: number): number =>
  new Date(2025, month, day, h, m, s).getTime();

describe('darwin ps parsers', () => {
  it('parses CPU times in every shape ps prints', () => {
    expect(parseCpuTime('0:00.27')).toBe(270);
    expect(parseCpuTime('339:00.01')).toBe(339 * 60_000 + 10);
    expect(parseCpuTime('1:02:03')).toBe(3_723_000);
    expect(parseCpuTime('1:02:03.50')).toBe(3_723_500);
    expect(parseCpuTime('2-01:00:00')).toBe((2 * 24 + 1) * 3_600_000);
    expect(parseCpuTime('-')).toBeUndefined();
  });

  it('parses lstart in local time, including single-digit days', () => {
    expect(parseLstart(['Wed', 'Nov', '5', '18:03:41', '2025'])).toBe(local(10, 5, 18, 3, 41));
    expect(parseLstart(['Wed', 'Foo', '5', '18:03:41', '2025'])).toBeUndefined();
  });

  it('parses the per-tick process listing, names with spaces last, junk lines skipped', () => {
    const rows = parseDarwinStats(fixture('darwin-ps-stat.txt'));
    expect(rows.map((row) => row.stat.pid)).toEqual([1, 89, 153, 612, 640, 701]);
    expect(rows[0]).toEqual({
      stat: {
        pid: 1,
        ppid: 0,
        startTime: local(10, 25, 9, 12, 3),
        cpuMs: 151_450,
        rssBytes: 14_320 * 1024,
        threads: 1,
        nice: 0,
        priority: 31,
        state: 'S',
      },
      user: 'root',
      ucomm: 'launchd',
    });
    expect(rows[2]?.stat.cpuMs).toBe(339 * 60_000 + 10);
    expect(rows[2]?.user).toBe('_windowserver');
    expect(rows[3]).toMatchObject({
      ucomm: 'Google Chrome He',
      stat: { startTime: local(10, 5, 18, 3, 41), cpuMs: 3_723_500 },
    });
    expect(rows[4]).toMatchObject({
      ucomm: 'Code Helper (Renderer)',
      stat: { nice: 10, ppid: 612, state: 'S' },
    });
    expect(rows[5]?.stat.state).toBe('Z');
  });

  it('reads `ps -M` rows of both shapes: with and without USER/TT/COMMAND', () => {
    const lines = parseDarwinThreadTable(fixture('darwin-ps-AM.txt'));
    expect([...countThreads(lines)]).toEqual([
      [1, 3],
      [89, 2],
      [153, 2],
      [612, 3],
      [640, 1],
      [701, 1],
    ]);
    expect(lines.find((line) => line.pid === 153)).toEqual({
      pid: 153,
      state: 'S',
      cpuMs: 33 * 60_000 + 8_120 + 2230 * 60_000 + 54_680,
    });
  });

  it('maps pid to the rest of the line for single-column queries', () => {
    const paths = parsePidColumn(fixture('darwin-ps-comm.txt'));
    expect(paths.get(612)).toBe('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome');
    expect(paths.get(701)).toBe('(python3.12)');
  });
});

describe('DarwinSampler on recorded ps output', () => {
  function recordedPs() {
    const calls: string[][] = [];
    const run = async (_file: string, args: string[]): Promise<string> => {
      calls.push(args);
      const joined = args.join(' ');
      if (joined === `-axww -o ${PS_STAT_COLUMNS}`) return fixture('darwin-ps-stat.txt');
      if (joined === '-AM') return fixture('darwin-ps-AM.txt');
      if (joined.startsWith('-ww -o pid=,comm=')) return fixture('darwin-ps-comm.txt');
      if (joined.startsWith('-ww -o pid=,args=')) return fixture('darwin-ps-args.txt');
      if (joined === '-M -p 612') return fixture('darwin-ps-M-612.txt');
      if (joined === `-ww -o ${PS_STAT_COLUMNS} -p 612`)
        return fixture('darwin-ps-stat.txt').split('\n')[3] ?? '';
      // ps with -p prints only its header (or nothing, with `=` columns) when the pid is gone.
      if (joined.startsWith('-M -p'))
        return 'USER   PID   TT   %CPU STAT PRI     STIME     UTIME COMMAND\n';
      return '';
    };
    return { calls, sampler: new DarwinSampler(run) };
  }

  it('combines the listing, thread counts and once-per-process details', async () => {
    const { calls, sampler } = recordedPs();
    const rows = await sampler.readProcesses();
    const helper = rows.find((row) => row.pid === 640);
    expect(helper).toMatchObject({
      name: 'Code Helper (Renderer)',
      user: 'ada',
      exe: '/Applications/Visual Studio Code.app/Contents/Frameworks/Code Helper (Renderer).app/Contents/MacOS/Code Helper (Renderer)',
      command: expect.stringContaining(
        '--user-data-dir=/Users/ada/Library/Application Support/Code',
      ),
      threads: 1,
      complete: true,
    });
    expect(rows.find((row) => row.pid === 612)).toMatchObject({
      name: 'Google Chrome',
      threads: 3,
    });
    expect(calls.filter((args) => args.includes('pid=,comm='))).toHaveLength(1);

    calls.length = 0;
    await sampler.readProcesses();
    // Nothing new appeared: only the two per-tick commands ran.
    expect(calls.map((args) => args[0])).toEqual(['-axww', '-AM']);
  });

  it('reads one process and its threads (ordinals for ids, as macOS has none), undefined when gone', async () => {
    const { sampler } = recordedPs();
    expect(await sampler.readProcess(612)).toMatchObject({
      pid: 612,
      startTime: local(10, 5, 18, 3, 41),
    });
    expect(await sampler.readProcess(4_000)).toBeUndefined();
    expect(await sampler.readThreads(612)).toEqual([
      { tid: 1, name: '', state: 'S', cpuMs: 3_100 + 3_492_400 },
      { tid: 2, name: '', state: 'R', cpuMs: 30 },
      { tid: 3, name: '', state: 'U', cpuMs: 10 },
    ]);
    expect(await sampler.readThreads(4_000)).toBeUndefined();
  });
});
