// The process table's column layout. Widths scale with --scale so classroom mode stays aligned.
// Name, PID and CPU are always there; which of the others show is the user's choice.
import type { CpuMode } from '../../lib/preferences.svelte';
import type { SortKey } from '../../lib/process-tree';
import { isOptionalColumn, DEFAULT_COLUMNS, type OptionalColumn } from '../../lib/system-columns';

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

export function columns(
  treeMode: boolean,
  cpuMode: CpuMode,
  shown: ReadonlySet<OptionalColumn> = new Set(DEFAULT_COLUMNS),
): Column[] {
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
    { key: 'ppid', label: 'PPID', title: 'Parent process id', align: 'end', ...fixed(60) },
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
  list.push(
    {
      key: 'cpuTime',
      label: 'CPU time',
      title: 'User + system CPU time used since it started (minutes:seconds.hundredths)',
      align: 'end',
      ...fixed(82),
    },
    {
      key: 'started',
      label: 'Started',
      title: 'When it started: the time today, else the date',
      align: 'end',
      ...fixed(70),
    },
  );
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
    {
      key: 'memPercent',
      label: '%MEM',
      title: "Resident memory as a share of the machine's memory",
      align: 'end',
      ...fixed(60),
    },
    {
      key: 'virtual',
      label: 'VIRT',
      title: 'Virtual memory: all the address space it has mapped, most of it never touched',
      align: 'end',
      ...fixed(82),
    },
    {
      key: 'shared',
      label: 'SHR',
      title: 'Resident memory shared with other processes (libraries, shared mappings)',
      align: 'end',
      ...fixed(82),
    },
    {
      key: 'diskRead',
      label: 'Disk read',
      title:
        'Bytes per second read from storage over the last interval. — where the OS does not ' +
        "let Procscope read the process's counters (another user's process) or does not count them",
      align: 'end',
      ...fixed(90),
    },
    {
      key: 'diskWrite',
      label: 'Disk write',
      title:
        'Bytes per second written to storage over the last interval. — where the OS does not ' +
        "let Procscope read the process's counters (another user's process) or does not count them",
      align: 'end',
      ...fixed(90),
    },
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
  return list.filter((column) => !isOptionalColumn(column.key) || shown.has(column.key));
}
