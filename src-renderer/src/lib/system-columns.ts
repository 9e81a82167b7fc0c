// The System table's optional columns: which exist, which a fresh install shows, what each
// figure reads as. The chooser and the preferences use these; the layout is the table's.
import type { ProcessRow } from '$common/system';
import { formatBytes, formatCpuTime, formatPercent, formatRate, formatStarted } from './format';
import type { SortKey } from './process-tree';

export const OPTIONAL_COLUMNS = [
  'user',
  'state',
  'ppid',
  'cpuTime',
  'started',
  'memory',
  'memPercent',
  'virtual',
  'shared',
  'diskRead',
  'diskWrite',
  'threads',
  'nice',
  'command',
] as const satisfies readonly SortKey[];
export type OptionalColumn = (typeof OPTIONAL_COLUMNS)[number];

/** What a fresh install shows: what the table always showed. */
export const DEFAULT_COLUMNS: readonly OptionalColumn[] = [
  'user',
  'state',
  'memory',
  'threads',
  'nice',
  'command',
];

/** Read from /proc/<pid>/io, which costs a read per process per tick: only while shown. */
export const DISK_COLUMNS: ReadonlySet<OptionalColumn> = new Set(['diskRead', 'diskWrite']);

export function isOptionalColumn(value: unknown): value is OptionalColumn {
  return (OPTIONAL_COLUMNS as readonly unknown[]).includes(value);
}

/** The chooser's names: longer than the headers, which must stay narrow. */
export const CHOOSER_LABELS: Record<OptionalColumn, string> = {
  user: 'User',
  state: 'State',
  ppid: 'Parent PID',
  cpuTime: 'CPU time',
  started: 'Start time',
  memory: 'Memory (resident)',
  memPercent: '% of memory',
  virtual: 'Virtual memory (VIRT)',
  shared: 'Shared memory (SHR)',
  diskRead: 'Disk reads per second',
  diskWrite: 'Disk writes per second',
  threads: 'Threads',
  nice: 'Nice',
  command: 'Command line',
};

/** What a plain cell needs besides its row. */
export interface CellContext {
  memoryTotalBytes: number;
  /** Local midnight of the sample's day: a start time before it shows as a date. */
  todayStart: number;
}

const UNKNOWN = '—';

/**
 * The text of a column that is one figure. Name, state, CPU, tree CPU and command are drawn
 * by the row itself.
 */
export function cellText(key: SortKey, row: ProcessRow, context: CellContext): string {
  switch (key) {
    case 'pid':
      return String(row.pid);
    case 'ppid':
      return String(row.ppid);
    case 'user':
      return row.user;
    case 'cpuTime':
      return formatCpuTime(row.cpuTimeMs);
    case 'started':
      return formatStarted(row.startTime, context.todayStart);
    case 'memory':
      return formatBytes(row.rssBytes);
    case 'memPercent':
      return context.memoryTotalBytes > 0
        ? formatPercent((100 * row.rssBytes) / context.memoryTotalBytes)
        : UNKNOWN;
    case 'virtual':
      return row.virtualBytes === undefined ? UNKNOWN : formatBytes(row.virtualBytes);
    case 'shared':
      return row.sharedBytes === undefined ? UNKNOWN : formatBytes(row.sharedBytes);
    case 'diskRead':
      return row.diskReadRate === undefined ? UNKNOWN : formatRate(row.diskReadRate);
    case 'diskWrite':
      return row.diskWriteRate === undefined ? UNKNOWN : formatRate(row.diskWriteRate);
    case 'threads':
      return String(row.threads);
    case 'nice':
      return String(row.nice);
    default:
      return '';
  }
}
