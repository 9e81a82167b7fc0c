// The lifeline: when the Procscope host dies, even by SIGKILL, nothing of its runs survives.

import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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
});
