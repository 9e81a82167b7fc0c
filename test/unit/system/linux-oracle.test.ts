// The sampler's memory figures against two independent readers of the same machine: psutil
// (Debian's /usr/bin/python3 has it) and procps `ps`. Resident memory moves only while a process
// runs (or the kernel reclaims its pages), so a process whose CPU time did not change across the
// three reads must show the same figures in all of them.

import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { LinuxSampler } from '../../../src-main/core/system/linux';

/** An interpreter with psutil: Debian's python3-psutil by default (CI installs it). */
const PSUTIL_PYTHON = process.env.PROCSCOPE_PSUTIL_PYTHON ?? '/usr/bin/python3';

const PSUTIL_DUMP = `
import json, psutil
out = {}
for p in psutil.process_iter():
    try:
        with p.oneshot():
            m = p.memory_info()
            t = p.cpu_times()
            out[p.pid] = [m.rss, m.vms, m.shared, round((t.user + t.system) * 100)]
    except psutil.Error:
        pass
print(json.dumps(out))
`;

interface Figures {
  rss: number;
  vms: number;
  shared: number;
  /** CPU time in clock ticks, to tell which processes ran between the reads. */
  ticks: number;
}

function psutilFigures(): Map<number, Figures> {
  const parsed = JSON.parse(
    execFileSync(PSUTIL_PYTHON, ['-c', PSUTIL_DUMP], { encoding: 'utf8' }),
  ) as Record<string, [number, number, number, number]>;
  return new Map(
    Object.entries(parsed).map(([pid, [rss, vms, shared, ticks]]) => [
      Number(pid),
      { rss, vms, shared, ticks },
    ]),
  );
}

/** `ps` reports RSS and VSZ in KiB. */
function psFigures(): Map<number, { rss: number; vsz: number }> {
  const text = execFileSync('ps', ['-eo', 'pid=,rss=,vsz='], { encoding: 'utf8' });
  const figures = new Map<number, { rss: number; vsz: number }>();
  for (const line of text.trim().split('\n')) {
    const [pid, rss, vsz] = line.trim().split(/\s+/).map(Number);
    if (pid !== undefined && rss !== undefined && vsz !== undefined)
      figures.set(pid, { rss: rss * 1024, vsz: vsz * 1024 });
  }
  return figures;
}

// /proc exists only on Linux; the macOS and Windows samplers are checked on their own output.
describe.runIf(process.platform === 'linux')('LinuxSampler memory against psutil and ps', () => {
  it('reads RSS, VIRT and SHR exactly as psutil does, and RSS and VSZ as ps does', async () => {
    const sampler = new LinuxSampler();
    const before = psutilFigures();
    const ours = await sampler.readProcesses();
    const ps = psFigures();
    const after = psutilFigures();

    let compared = 0;
    const disagreements: string[] = [];
    for (const row of ours) {
      const first = before.get(row.pid);
      const last = after.get(row.pid);
      const listed = ps.get(row.pid);
      // Ran between the reads (or came and went): its memory may honestly differ.
      if (!first || !last || !listed || first.ticks !== last.ticks) continue;
      if (first.rss !== last.rss || first.vms !== last.vms) continue;
      compared++;
      const mine = [row.rssBytes, row.virtualBytes, row.sharedBytes];
      const theirs = [last.rss, last.vms, last.shared];
      if (mine.some((value, index) => value !== theirs[index]))
        disagreements.push(`pid ${row.pid} (${row.name}): ours ${mine}, psutil ${theirs}`);
      if (row.rssBytes !== listed.rss || row.virtualBytes !== listed.vsz)
        disagreements.push(
          `pid ${row.pid} (${row.name}): ours ${row.rssBytes}/${row.virtualBytes}, ps ${listed.rss}/${listed.vsz}`,
        );
    }
    expect(compared).toBeGreaterThan(10);
    expect(disagreements).toEqual([]);
  });
});
