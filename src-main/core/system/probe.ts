// Cumulative CPU of a known set of processes and their threads: what the Lab samples for the
// children it supervises. Cheaper than a full table refresh because only the named pids are read.

import { createPlatformSampler } from './platform';
import type { CoreTimes, PlatformSampler } from './sampler';

export interface ProbedThread {
  tid: number;
  name: string;
  cpuMs: number;
}

export interface ProbeSample {
  /** Cumulative user + system CPU time of the whole process. */
  cpuMs: number;
  threads: ProbedThread[];
}

let shared: PlatformSampler | undefined;

/**
 * Pids that no longer exist (or cannot be read) are simply absent from the result. A process
 * whose threads cannot be listed still reports its own CPU time, with no threads.
 */
export async function probeProcesses(
  pids: number[],
  sampler: PlatformSampler = (shared ??= createPlatformSampler()),
): Promise<Map<number, ProbeSample>> {
  const samples = await Promise.all(
    [...new Set(pids)].map(async (pid) => {
      const [stat, threads] = await Promise.all([
        sampler.readProcess(pid),
        sampler.readThreads(pid),
      ]);
      if (!stat) return undefined;
      const sample: ProbeSample = {
        cpuMs: stat.cpuMs,
        threads: (threads ?? []).map(({ tid, name, cpuMs }) => ({ tid, name, cpuMs })),
      };
      return [pid, sample] as const;
    }),
  );
  return new Map(samples.filter((entry) => entry !== undefined));
}

/**
 * Cumulative busy and total time of each logical core (/proc/stat on Linux, the kernel's
 * counters through libuv elsewhere), from the same sampler: the Lab reads it with every CPU
 * sample of a run, so that the run's processes can be seen against the whole machine.
 */
export function readCoreTimes(
  sampler: PlatformSampler = (shared ??= createPlatformSampler()),
): Promise<CoreTimes[]> {
  return sampler.readCpuTimes();
}
