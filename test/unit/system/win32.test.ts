// Windows parsers on recorded PowerShell output, and Win32Sampler end to end through a real
// ShellSession whose "PowerShell" is sh replaying those recordings.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ShellDialect } from '../../../src-main/core/system/shell-session';
import {
  detailsScript,
  parseWin32Details,
  parseWin32Stats,
  parseWin32Threads,
  statScript,
  threadsScript,
  Win32Sampler,
} from '../../../src-main/core/system/win32';

const FIXTURES = path.join(__dirname, '../../fixtures/system');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

describe('win32 parsers', () => {
  it('parses the process listing: epoch start times, 100 ns CPU, name last', () => {
    const rows = parseWin32Stats(fixture('win32-processes.txt'));
    expect(rows.map((row) => row.stat.pid)).toEqual([0, 4, 612, 5120, 6004, 7001]);
    expect(rows[0]?.stat).toMatchObject({ startTime: 0, cpuMs: 245_018_125, threads: 8 });
    expect(rows[3]).toEqual({
      stat: {
        pid: 5120,
        ppid: 4876,
        startTime: 1_764_061_200_250,
        cpuMs: 37_656.25,
        rssBytes: 412_246_016,
        threads: 54,
        nice: 0,
        priority: 8,
        state: '?',
      },
      name: 'Code.exe',
    });
    expect(rows[5]?.name).toBe('my tool.exe');
  });

  it('parses details with the command line last, tabs and all', () => {
    const details = parseWin32Details(fixture('win32-details.txt'));
    expect(details.get(4)).toEqual({ user: '', exe: '', command: '' });
    expect(details.get(7001)).toEqual({
      user: 'ada',
      exe: 'C:\\Tools\\my tool.exe',
      command: '"C:\\Tools\\my tool.exe" --sep "\t" --verbose',
    });
  });

  it('parses threads, mapping Windows states to the shared letters', () => {
    expect(parseWin32Threads(fixture('win32-threads-6004.txt'))).toEqual([
      { tid: 6004, name: '', state: 'S', cpuMs: 203.125 },
      { tid: 6010, name: '', state: 'R', cpuMs: 15_625 },
      // A protected thread's time could not be read; a suspended one shows as stopped.
      { tid: 6011, name: '', state: 'T', cpuMs: 0 },
      { tid: 6012, name: '', state: 'R', cpuMs: 0 },
    ]);
    expect(parseWin32Threads(fixture('win32-threads-gone.txt'))).toBeUndefined();
  });

  it('builds one-line scripts with the only free-text field last', () => {
    for (const script of [
      statScript(),
      statScript('ProcessId=4'),
      detailsScript([4, 5]),
      threadsScript(6004),
    ]) {
      expect(script).not.toContain('\n');
    }
    expect(statScript()).toMatch(/\$\(\$_\.Name\)" }$/);
    expect(detailsScript([4, 5])).toContain('-Filter "ProcessId=4 OR ProcessId=5"');
    expect(detailsScript(Array.from({ length: 100 }, (_, index) => index))).not.toContain(
      '-Filter',
    );
  });
});

describe('Win32Sampler through a persistent shell', () => {
  const scripts: string[] = [];
  /** Answers each PowerShell script with the recording of what PowerShell printed for it. */
  const replay: ShellDialect = {
    command: 'sh',
    args: [],
    frame: (script, end, error) => {
      scripts.push(script);
      const file = (name: string): string => `cat '${path.join(FIXTURES, name)}'`;
      let answer = `echo '${error} unexpected script'`;
      if (script === statScript()) answer = file('win32-processes.txt');
      else if (script === statScript('ProcessId=6004'))
        answer = `grep '^6004' '${path.join(FIXTURES, 'win32-processes.txt')}'`;
      else if (script.startsWith('Get-CimInstance Win32_Process -Filter "ProcessId=31337"'))
        answer = 'true';
      else if (script.includes('GetOwner')) answer = file('win32-details.txt');
      else if (script === threadsScript(6004)) answer = file('win32-threads-6004.txt');
      else if (script.startsWith('$p = Get-Process')) answer = file('win32-threads-gone.txt');
      return `${answer}; echo '${end}'`;
    },
  };
  let sampler: Win32Sampler | undefined;
  afterEach(() => {
    sampler?.dispose();
    scripts.length = 0;
  });

  it('reads processes, fetching owner and command line only for new ones', async () => {
    sampler = new Win32Sampler(replay);
    const rows = await sampler.readProcesses();
    expect(rows.find((row) => row.pid === 6004)).toMatchObject({
      name: 'python.exe',
      user: 'ada',
      exe: 'C:\\Python312\\python.exe',
      command: 'C:\\Python312\\python.exe -m demo "two words"',
      complete: true,
    });
    expect(rows.find((row) => row.pid === 4)).toMatchObject({
      name: 'System',
      command: 'System',
      complete: false,
    });
    expect(scripts.filter((script) => script.includes('GetOwner'))).toHaveLength(1);

    await sampler.readProcesses();
    expect(scripts.filter((script) => script.includes('GetOwner'))).toHaveLength(1);
  });

  it('reads one process and its threads, undefined when gone', async () => {
    sampler = new Win32Sampler(replay);
    expect(await sampler.readProcess(6004)).toMatchObject({
      pid: 6004,
      startTime: 1_764_061_300_999,
    });
    expect(await sampler.readProcess(31_337)).toBeUndefined();
    expect((await sampler.readThreads(6004))?.map((thread) => thread.tid)).toEqual([
      6004, 6010, 6011, 6012,
    ]);
    expect(await sampler.readThreads(31_337)).toBeUndefined();
  });
});
