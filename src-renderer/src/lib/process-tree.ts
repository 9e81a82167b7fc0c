// The process table's shaping: filter, sort, and the parent → children tree. Pure functions over
// plain rows so the view can derive everything once per tick and tests can check it without a DOM.
import type { ProcessId, ProcessRow } from '$common/system';
import { stateOverInterval } from './process-labels';

export type SortKey =
  | 'name'
  | 'pid'
  | 'ppid'
  | 'user'
  | 'state'
  | 'cpu'
  | 'treeCpu'
  | 'cpuTime'
  | 'started'
  | 'memory'
  | 'memPercent'
  | 'virtual'
  | 'shared'
  | 'diskRead'
  | 'diskWrite'
  | 'threads'
  | 'nice'
  | 'command';
export type SortDirection = 'ascending' | 'descending';

export interface SortOrder {
  key: SortKey;
  direction: SortDirection;
}

export interface ProcessTree {
  byId: Map<ProcessId, ProcessRow>;
  /** The parent of every row whose parent is in the list. */
  parentOf: Map<ProcessId, ProcessId>;
  /** Children in list order; sort them with the view's comparator before showing. */
  childrenOf: Map<ProcessId, ProcessRow[]>;
  /** Rows with no parent in the list: pid 1, kernel threads' parent, and orphans. */
  roots: ProcessRow[];
  /** Each row's own CPU plus that of all its descendants (% of one core). */
  subtreeCpu: Map<ProcessId, number>;
}

/** One line of the table as drawn. */
export interface DisplayRow {
  row: ProcessRow;
  depth: number;
  hasChildren: boolean;
  expanded: boolean;
  subtreeCpu: number;
  /** Exited: kept on screen for a moment so the eye sees it leave. */
  gone: boolean;
  /** Shown only because a descendant matches the search. */
  context: boolean;
}

/**
 * Links rows to parents by ppid. Pids are reused, so a ppid can name a later holder of the pid;
 * a child cannot predate its parent, so only a candidate started no later than the child counts.
 * A cycle (possible only in a scan that raced with reparenting) is cut where it closes.
 */
export function buildTree(rows: readonly ProcessRow[]): ProcessTree {
  const byId = new Map<ProcessId, ProcessRow>();
  const byPid = new Map<number, ProcessRow[]>();
  for (const row of rows) {
    byId.set(row.id, row);
    const holders = byPid.get(row.pid);
    if (holders) holders.push(row);
    else byPid.set(row.pid, [row]);
  }

  const parentOf = new Map<ProcessId, ProcessId>();
  for (const row of rows) {
    let parent: ProcessRow | undefined;
    for (const candidate of byPid.get(row.ppid) ?? []) {
      if (candidate.id === row.id || candidate.startTime > row.startTime) continue;
      if (!parent || candidate.startTime > parent.startTime) parent = candidate;
    }
    if (parent) parentOf.set(row.id, parent.id);
  }

  // Walk up from every row, colouring the path; meeting the current path again is a cycle.
  const IN_PATH = 1;
  const DONE = 2;
  const colour = new Map<ProcessId, number>();
  for (const row of rows) {
    const path: ProcessId[] = [];
    let id: ProcessId | undefined = row.id;
    while (id !== undefined && !colour.has(id)) {
      colour.set(id, IN_PATH);
      path.push(id);
      id = parentOf.get(id);
    }
    if (id !== undefined && colour.get(id) === IN_PATH) parentOf.delete(id);
    for (const seen of path) colour.set(seen, DONE);
  }

  const childrenOf = new Map<ProcessId, ProcessRow[]>();
  const roots: ProcessRow[] = [];
  for (const row of rows) {
    const parent = parentOf.get(row.id);
    if (parent === undefined) {
      roots.push(row);
      continue;
    }
    const siblings = childrenOf.get(parent);
    if (siblings) siblings.push(row);
    else childrenOf.set(parent, [row]);
  }

  // Pre-order from the roots, then sum bottom-up by walking that order backwards.
  const order: ProcessRow[] = [];
  const stack = [...roots];
  while (stack.length > 0) {
    const row = stack.pop() as ProcessRow;
    order.push(row);
    for (const child of childrenOf.get(row.id) ?? []) stack.push(child);
  }
  const subtreeCpu = new Map<ProcessId, number>();
  for (let i = order.length - 1; i >= 0; i--) {
    const row = order[i] as ProcessRow;
    let sum = row.cpu;
    for (const child of childrenOf.get(row.id) ?? []) sum += subtreeCpu.get(child.id) ?? 0;
    subtreeCpu.set(row.id, sum);
  }

  return { byId, parentOf, childrenOf, roots, subtreeCpu };
}

/** Ancestors of a row, nearest first. */
export function ancestorsOf(tree: ProcessTree, id: ProcessId): ProcessRow[] {
  const chain: ProcessRow[] = [];
  const seen = new Set<ProcessId>([id]);
  let parent = tree.parentOf.get(id);
  while (parent !== undefined && !seen.has(parent)) {
    seen.add(parent);
    const row = tree.byId.get(parent);
    if (!row) break;
    chain.push(row);
    parent = tree.parentOf.get(parent);
  }
  return chain;
}

/** Every descendant of a row (pre-order), the row itself excluded. */
export function descendantsOf(tree: ProcessTree, id: ProcessId): ProcessRow[] {
  const found: ProcessRow[] = [];
  const stack = [...(tree.childrenOf.get(id) ?? [])].reverse();
  while (stack.length > 0) {
    const row = stack.pop() as ProcessRow;
    found.push(row);
    const children = tree.childrenOf.get(row.id);
    if (children)
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as ProcessRow);
  }
  return found;
}

// ---- Search ----------------------------------------------------------------------------------

/**
 * A row matches when every whitespace-separated term is found in its name, user or command line
 * (case-insensitive), or, for a term of digits, when its pid starts with them.
 */
export function matcher(query: string): ((row: ProcessRow) => boolean) | null {
  const terms = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return null;
  return (row) =>
    terms.every((term) => {
      if (/^\d+$/.test(term) && String(row.pid).startsWith(term)) return true;
      return (
        row.name.toLowerCase().includes(term) ||
        row.user.toLowerCase().includes(term) ||
        row.command.toLowerCase().includes(term)
      );
    });
}

// ---- Sorting ---------------------------------------------------------------------------------

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Busy states first when sorting by state ascending. */
const STATE_RANK: Record<string, number> = { R: 0, D: 1, U: 1, S: 2, I: 3, T: 4, t: 4, Z: 5, X: 6 };
const stateRank = (state: string): number => STATE_RANK[state] ?? 7;

/** Columns whose first click sorts largest first. */
export const DESCENDING_FIRST: ReadonlySet<SortKey> = new Set([
  'cpu',
  'treeCpu',
  'cpuTime',
  'memory',
  'memPercent',
  'virtual',
  'shared',
  'diskRead',
  'diskWrite',
  'threads',
]);

/** Figures a platform may not report sort below every known one (0 included). */
const known = (value: number | undefined): number => value ?? -1;

export function comparator(
  order: SortOrder,
  subtreeCpu?: ReadonlyMap<ProcessId, number>,
): (a: ProcessRow, b: ProcessRow) => number {
  const sign = order.direction === 'ascending' ? 1 : -1;
  const primary = ((): ((a: ProcessRow, b: ProcessRow) => number) => {
    switch (order.key) {
      case 'name':
        return (a, b) => collator.compare(a.name, b.name);
      case 'pid':
        return (a, b) => a.pid - b.pid;
      case 'user':
        return (a, b) => collator.compare(a.user, b.user);
      case 'state':
        return (a, b) =>
          stateRank(stateOverInterval(a).state) - stateRank(stateOverInterval(b).state);
      case 'cpu':
        return (a, b) => a.cpu - b.cpu;
      case 'treeCpu':
        return (a, b) => (subtreeCpu?.get(a.id) ?? a.cpu) - (subtreeCpu?.get(b.id) ?? b.cpu);
      case 'ppid':
        return (a, b) => a.ppid - b.ppid;
      case 'cpuTime':
        return (a, b) => a.cpuTimeMs - b.cpuTimeMs;
      case 'started':
        return (a, b) => a.startTime - b.startTime;
      case 'memory':
      case 'memPercent':
        return (a, b) => a.rssBytes - b.rssBytes;
      case 'virtual':
        return (a, b) => known(a.virtualBytes) - known(b.virtualBytes);
      case 'shared':
        return (a, b) => known(a.sharedBytes) - known(b.sharedBytes);
      case 'diskRead':
        return (a, b) => known(a.diskReadRate) - known(b.diskReadRate);
      case 'diskWrite':
        return (a, b) => known(a.diskWriteRate) - known(b.diskWriteRate);
      case 'threads':
        return (a, b) => a.threads - b.threads;
      case 'nice':
        return (a, b) => a.nice - b.nice;
      case 'command':
        return (a, b) => collator.compare(a.command || a.name, b.command || b.name);
    }
  })();
  // Ties fall back to pid ascending whatever the direction, so equal rows never swap places
  // from one tick to the next.
  return (a, b) => sign * primary(a, b) || a.pid - b.pid || a.startTime - b.startTime;
}

// ---- The table -------------------------------------------------------------------------------

export interface ShapeOptions {
  order: SortOrder;
  query: string;
  treeMode: boolean;
  collapsed: ReadonlySet<ProcessId>;
  gone: ReadonlySet<ProcessId>;
}

/** Filters and sorts (and in tree mode nests) the rows into the lines the table draws. */
export function shapeRows(
  rows: readonly ProcessRow[],
  tree: ProcessTree,
  options: ShapeOptions,
): DisplayRow[] {
  const compare = comparator(options.order, tree.subtreeCpu);
  const matches = matcher(options.query);
  const line = (row: ProcessRow, depth = 0): DisplayRow => ({
    row,
    depth,
    hasChildren: false,
    expanded: false,
    subtreeCpu: tree.subtreeCpu.get(row.id) ?? row.cpu,
    gone: options.gone.has(row.id),
    context: false,
  });

  if (!options.treeMode) {
    const kept = matches ? rows.filter(matches) : [...rows];
    kept.sort(compare);
    return kept.map((row) => line(row));
  }

  // While searching, a match brings its ancestors along (as context) and opens them.
  let shown: Set<ProcessId> | null = null;
  let matched: Set<ProcessId> | null = null;
  if (matches) {
    shown = new Set();
    matched = new Set();
    for (const row of rows) {
      if (!matches(row)) continue;
      matched.add(row.id);
      let id: ProcessId | undefined = row.id;
      while (id !== undefined && !shown.has(id)) {
        shown.add(id);
        id = tree.parentOf.get(id);
      }
    }
  }

  const out: DisplayRow[] = [];
  const visibleChildren = (id: ProcessId): ProcessRow[] => {
    const children = tree.childrenOf.get(id) ?? [];
    return shown ? children.filter((child) => shown.has(child.id)) : [...children];
  };
  const roots = shown ? tree.roots.filter((row) => shown.has(row.id)) : [...tree.roots];
  roots.sort(compare);
  // Explicit stack rather than recursion: a deep chain of shells must not overflow the JS stack.
  const stack: Array<{ row: ProcessRow; depth: number }> = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push({ row: roots[i] as ProcessRow, depth: 0 });
  while (stack.length > 0) {
    const { row, depth } = stack.pop() as { row: ProcessRow; depth: number };
    const children = visibleChildren(row.id);
    const expanded = children.length > 0 && (shown !== null || !options.collapsed.has(row.id));
    out.push({
      ...line(row, depth),
      hasChildren: children.length > 0,
      expanded,
      context: matched !== null && !matched.has(row.id),
    });
    if (!expanded) continue;
    children.sort(compare);
    for (let i = children.length - 1; i >= 0; i--)
      stack.push({ row: children[i] as ProcessRow, depth: depth + 1 });
  }
  return out;
}
