// The process table's columns. Widths scale with --scale so classroom mode stays aligned.
import type { CpuMode } from '../../lib/preferences.svelte';
import type { SortKey } from '../../lib/process-tree';

export interface Column {
  key: SortKey;
  label: string;
  /** Longer text for the header's tooltip and accessible description. */
  title: string;
  align: 'start' | 'end';
  /** A CSS grid track. */
  track: string;
  /** Smallest width in px at --scale 1, for the table's min-width. */
  min: number;
}

const px = (value: number) => `calc(${value}px * var(--scale))`;
const fixed = (value: number) => ({ track: px(value), min: value });

export function columns(treeMode: boolean, cpuMode: CpuMode): Column[] {
  const cpuUnit = cpuMode === 'per-core' ? 'per core' : 'of machine';
  const list: Column[] = [
    {
      key: 'name',
      label: 'Name',
      title: 'Process name',
      align: 'start',
      track: `minmax(${px(treeMode ? 230 : 180)}, 2fr)`,
      min: treeMode ? 230 : 180,
    },
    { key: 'pid', label: 'PID', title: 'Process id', align: 'end', ...fixed(60) },
    {
      key: 'user',
      label: 'User',
      title: 'The user the process runs as',
      align: 'start',
      ...fixed(80),
    },
    {
      key: 'state',
      label: 'State',
      title:
        'State over the last interval: running if it used at least half a core, ' +
        "otherwise the kernel's state at the instant of the sample",
      align: 'start',
      // In the tree the name needs the room; the letter stays, the word moves to the tooltip.
      ...fixed(treeMode ? 52 : 100),
    },
    {
      key: 'cpu',
      label: `CPU ${cpuUnit}`,
      title:
        cpuMode === 'per-core'
          ? 'CPU over the last interval as % of ONE core: a process busy on two cores reads 200%'
          : 'CPU over the last interval as a share of the whole machine (all cores = 100%)',
      align: 'end',
      ...fixed(118),
    },
  ];
  if (treeMode) {
    list.push({
      key: 'treeCpu',
      label: 'Tree CPU',
      title: `CPU of the process and all its descendants (${cpuUnit})`,
      align: 'end',
      ...fixed(72),
    });
  }
  list.push(
    { key: 'memory', label: 'Memory', title: 'Resident memory (RSS)', align: 'end', ...fixed(82) },
    { key: 'threads', label: 'Threads', title: 'Number of threads', align: 'end', ...fixed(72) },
    {
      key: 'nice',
      label: 'Nice',
      title: 'Nice value: higher is kinder to others',
      align: 'end',
      ...fixed(46),
    },
    {
      key: 'command',
      label: 'Command',
      title: 'Command line',
      align: 'start',
      track: `minmax(${px(100)}, 3fr)`,
      min: 100,
    },
  );
  return list;
}
