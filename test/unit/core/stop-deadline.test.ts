// A stop that never hangs: a run whose watchdog was suspended (SIGSTOP, as one click in the System
// view could once do) is still stopped, within the deadline, with nothing of it left — through
// lab.stop, and through a SIGTERM to the whole server. Procscope refuses to signal its helpers.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src-main/common/lab';
import type { SystemSnapshot } from '../../../src-main/common/system';
import { DEFAULT_LAB_SETTINGS } from '../../../src-main/core/lab/settings';
import { fixture, isLive } from '../lab/helpers/lab';
import { ApiClient, startServer, type RunningServer } from '../helpers/server';

/** The supervisor's stop: grace, then the watchdog's kill, then Procscope's own. */
const STOP_DEADLINE_MS = DEFAULT_LAB_SETTINGS.stopTimeoutMs + 2_500;

const servers: RunningServer[] = [];
afterAll(() => Promise.all(servers.map((server) => server.stop())));

interface EscapeRun {
  run: RunSummary;
  /** The run's program, its two escapers (setsid, double fork), and its watchdog. */
  root: number;
  escapers: number[];
  watchdog: number;
}

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

async function startEscapeRun(client: ApiClient): Promise<EscapeRun> {
  const listing = join(mkdtempSync(join(tmpdir(), 'procscope-stop-')), 'pids');
  const run = await client.value<RunSummary>('lab.start', {
    kind: 'python',
    file: fixture('escape.py'),
    args: [listing],
  });
  const deadline = Date.now() + 20_000;
  while (!existsSync(listing)) {
    if (Date.now() > deadline) throw new Error('the run never listed its escapers');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const [root = 0, ...escapers] = readFileSync(listing, 'utf8').trim().split(' ').map(Number);
  return { run, root, escapers, watchdog: parentOf(root) };
}

const everyone = (run: EscapeRun) => [run.watchdog, run.root, ...run.escapers];

async function allGone(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  while (pids.some(isLive) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return pids.filter(isLive);
}

let server: RunningServer;
let client: ApiClient;

beforeAll(async () => {
  server = await startServer();
  servers.push(server);
  client = await ApiClient.open(server.address, server.token);
});

describe.runIf(process.platform === 'linux')('stopping a run whose watchdog cannot answer', () => {
  it('refuses to signal a run’s watchdog, as it refuses Procscope itself', async () => {
    const escape = await startEscapeRun(client);
    const snapshot = await client.value<SystemSnapshot>('system.snapshot');
    let row = snapshot.processes.find((process) => process.pid === escape.watchdog);
    for (let tries = 0; !row && tries < 20; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const next = await client.value<SystemSnapshot>('system.snapshot');
      row = next.processes.find((process) => process.pid === escape.watchdog);
    }
    expect(row).toBeDefined();
    const target = { pid: escape.watchdog, startTime: row?.startTime ?? 0 };
    for (const tree of [false, true]) {
      expect(await client.call('system.signal', { target, action: 'suspend', tree })).toMatchObject(
        {
          ok: false,
          error: {
            code: 'invalid-params',
            message: `Procscope does not signal its own helper processes: pid ${escape.watchdog} is the watchdog of a Lab run (stop the run in the Lab instead).`,
          },
        },
      );
    }
    expect(readFileSync(`/proc/${escape.watchdog}/stat`, 'utf8')).not.toMatch(/\) T /);
    await client.value('lab.stop', { runId: escape.run.id });
    expect(await allGone(everyone(escape), 2_000)).toEqual([]);
  });

  it('lab.stop answers within the deadline and nothing of the run survives', async () => {
    const escape = await startEscapeRun(client);
    process.kill(escape.watchdog, 'SIGSTOP');
    const asked = performance.now();
    const reply = await Promise.race([
      client.call('lab.stop', { runId: escape.run.id }),
      new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), 15_000)),
    ]);
    const answeredMs = performance.now() - asked;
    expect(reply).toMatchObject({
      ok: true,
      value: { state: 'stopped', error: expect.stringContaining('did not answer') },
    });
    expect(answeredMs).toBeLessThan(STOP_DEADLINE_MS + 1_500);
    expect(await allGone(everyone(escape), 1_000)).toEqual([]);
  });

  it('SIGTERM ends the server within the deadline, and the run with it', async () => {
    const own = await startServer();
    servers.push(own);
    const ownClient = await ApiClient.open(own.address, own.token);
    const escape = await startEscapeRun(ownClient);
    process.kill(escape.watchdog, 'SIGSTOP');
    const exited = new Promise<number | null>((resolve) => own.process.once('exit', resolve));
    const asked = performance.now();
    own.process.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 15_000)),
    ]);
    expect(code).toBe(0);
    expect(performance.now() - asked).toBeLessThan(STOP_DEADLINE_MS + 2_000);
    expect(await allGone(everyone(escape), 1_000)).toEqual([]);
  });
});
