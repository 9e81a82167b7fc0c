// The lifeline: when the Procscope host dies, even by SIGKILL, nothing of its runs survives.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixture, isLive } from './helpers/lab';

const host = fileURLToPath(new URL('./helpers/lifeline-host.ts', import.meta.url));

/** Live (non-zombie) processes whose process group is `pgid`. */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') members.push(Number(name));
    } catch {
      // Exited while we looked.
    }
  }
  return members;
}

/** The session id of a process (field 6 of /proc/<pid>/stat). */
function sessionOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
}

/** The pids the escape fixture wrote, once it has written them. */
async function waitForListing(file: string, host: ChildProcess): Promise<number[]> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (host.exitCode !== null) throw new Error('the host exited early');
    if (existsSync(file)) return readFileSync(file, 'utf8').trim().split(' ').map(Number);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the run never listed its escapers');
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

describe.runIf(process.platform === 'linux')('lifeline', () => {
  it('SIGKILL of the host leaves no process of its run behind', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', host, fixture('grandchildren_linger.py')],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const pids = new Set<number>();
    let rootPid = 0;
    await new Promise<void>((resolve, reject) => {
      child.once('exit', () => reject(new Error('the host exited early')));
      createInterface({ input: child.stdout }).on('line', (line) => {
        const event = JSON.parse(line) as {
          kind: string;
          pid?: number;
          rootPid?: number;
          name?: string;
        };
        if (event.kind === 'run') rootPid = event.rootPid ?? 0;
        if (event.kind === 'proc.appeared' && event.pid) pids.add(event.pid);
        // The grandchild is running: the whole tree is up.
        if (event.kind === 'mp.running' && event.name === 'Process-1:1') resolve();
      });
    });
    expect(rootPid).toBeGreaterThan(0);
    expect([...pids].filter(isLive).length).toBeGreaterThanOrEqual(3);

    child.kill('SIGKILL');
    const cleared = await waitFor(() => [...pids].every((pid) => !isLive(pid)), 5_000);
    expect([...pids].filter(isLive)).toEqual([]);
    expect(cleared).toBe(true);
    expect(groupMembers(rootPid)).toEqual([]);
  });

  it('nothing escapes: setsid and double-forked descendants die with the run', async () => {
    const listing = join(mkdtempSync(join(tmpdir(), 'procscope-escape-')), 'pids');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', host, fixture('escape.py'), listing],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    try {
      const [root = 0, ...escapers] = await waitForListing(listing, child);
      expect(escapers).toHaveLength(2);
      expect(escapers.filter(isLive)).toEqual(escapers);
      // They left the run's session (the program's own), so its process group does not hold them.
      for (const pid of escapers) expect(sessionOf(pid)).not.toBe(sessionOf(root));

      child.kill('SIGKILL');
      await waitFor(() => escapers.every((pid) => !isLive(pid)), 5_000);
      expect(escapers.filter(isLive)).toEqual([]);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
