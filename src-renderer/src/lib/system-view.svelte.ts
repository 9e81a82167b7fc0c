// The System view's own state: how the table is sorted, filtered and nested, what is selected,
// which rows just appeared or vanished, and the signal being confirmed. Everything the table
// draws is derived here once per tick; components only read it and render a visible slice.
// It is deliberately app-wide: the app creates one next to its SystemStore and hands it to the
// view, so leaving the System tab and coming back keeps the sort, search and selection, and no
// derived value is ever owned by a component that has since been destroyed.
import type { ErrorCode } from '$common/errors';
import type { ProcessId, ProcessKey, ProcessRow } from '$common/system';
import { ApiCallError } from './bridge.svelte';
import {
  DESCENDING_FIRST,
  ancestorsOf,
  buildTree,
  descendantsOf,
  shapeRows,
  type DisplayRow,
  type SortKey,
  type SortOrder,
} from './process-tree';
import { actionById, nameOf, type ActionId, type ProcessAction } from './process-labels';
import type { CpuMode, Preferences } from './preferences.svelte';
import type { SystemDelta, SystemStore } from './system.svelte';
import { DEFAULT_COLUMNS, DISK_COLUMNS, type OptionalColumn } from './system-columns';

/**
 * How long a new row is marked new and an exited row lingers. Both end with the first tick past
 * it, not on a timer of their own: a busy machine starts and ends processes all the time, and a
 * re-render (or an animation) per process would keep the page drawing between ticks.
 */
export const FLASH_MS = 1500;

export interface PendingSignal {
  action: ProcessAction;
  /** Fixed when the dialog opened: confirming later never retargets to whatever holds the pid now. */
  target: ProcessKey;
  targetId: ProcessId;
  /** “python3 (pid 4312)”. */
  label: string;
  name: string;
  /** For a tree action: the live descendants at the moment the dialog opened. */
  descendants: ProcessRow[];
  phase: 'confirm' | 'sending' | 'refused';
  error: { code: ErrorCode | undefined; message: string } | null;
}

export class SystemViewState {
  query = $state('');
  order = $state<SortOrder>({ key: 'cpu', direction: 'descending' });
  treeMode = $state(false);
  /** Used when no Preferences are given (tests); otherwise the choice is kept there. */
  private localCpuMode = $state<CpuMode>('per-core');
  private localColumns = $state.raw<ReadonlySet<OptionalColumn>>(new Set(DEFAULT_COLUMNS));
  collapsed = $state.raw<ReadonlySet<ProcessId>>(new Set());
  selectedId = $state<ProcessId | null>(null);
  /** Rows that appeared within the last FLASH_MS. */
  fresh = $state.raw<ReadonlySet<ProcessId>>(new Set());
  /** Rows that vanished within the last FLASH_MS, as they last looked. */
  tombstones = $state.raw<readonly ProcessRow[]>([]);
  pending = $state.raw<PendingSignal | null>(null);
  /** A short confirmation of the last action, for a polite live region. */
  notice = $state<string | null>(null);
  /** The selected row as it last looked, once it has exited and its tombstone is gone too. */
  private exitedSelection = $state.raw<ProcessRow | null>(null);

  private readonly freshUntil = new Map<ProcessId, number>();
  private readonly tombUntil = new Map<ProcessId, { row: ProcessRow; until: number }>();
  // Plain, not reactive: a request handed from one view to the next mount, read once.
  private revealPending = false;

  readonly allRows = $derived.by((): readonly ProcessRow[] =>
    this.tombstones.length > 0 ? [...this.system.rows, ...this.tombstones] : this.system.rows,
  );
  readonly tree = $derived.by(() => buildTree(this.allRows));
  readonly goneIds = $derived.by(() => new Set(this.tombstones.map((row) => row.id)));
  readonly display = $derived.by((): DisplayRow[] =>
    shapeRows(this.allRows, this.tree, {
      order: this.order,
      query: this.query,
      treeMode: this.treeMode,
      collapsed: this.collapsed,
      gone: this.goneIds,
    }),
  );
  readonly selectedIndex = $derived.by(() => {
    const id = this.selectedId;
    return id === null ? -1 : this.display.findIndex((line) => line.row.id === id);
  });
  /** The selected process: live, or as it was when it exited (details then say so). */
  readonly selected = $derived.by((): ProcessRow | null => {
    const id = this.selectedId;
    if (id === null) return null;
    // Read rows so this re-evaluates each tick; row() itself is a plain Map lookup.
    void this.system.rows;
    return this.system.row(id) ?? this.tree.byId.get(id) ?? this.exitedSelection;
  });
  readonly selectedAlive = $derived.by(() => {
    // Read rows so this re-evaluates each tick; row() itself is a plain Map lookup.
    void this.system.rows;
    return this.selectedId !== null && this.system.row(this.selectedId) !== undefined;
  });
  readonly cores = $derived.by(() => Math.max(1, this.system.machine?.logicalCores ?? 1));
  /** Whether a shown column needs the disk counters, which the backend reads only on request. */
  readonly showsDiskIo = $derived.by(() => [...DISK_COLUMNS].some((key) => this.columns.has(key)));

  constructor(
    readonly system: SystemStore,
    private readonly preferences?: Preferences,
  ) {
    system.onDelta((delta) => this.onDelta(delta));
  }

  /** Per core (a process on two busy cores reads 200%) or share of the whole machine. */
  get cpuMode(): CpuMode {
    return this.preferences?.cpuMode ?? this.localCpuMode;
  }

  set cpuMode(mode: CpuMode) {
    if (this.preferences) this.preferences.setCpuMode(mode);
    else this.localCpuMode = mode;
  }

  /** The optional columns shown, remembered with the preferences. */
  get columns(): ReadonlySet<OptionalColumn> {
    return this.preferences?.columns ?? this.localColumns;
  }

  setColumn(column: OptionalColumn, shown: boolean): void {
    if (this.preferences) this.preferences.setColumn(column, shown);
    else {
      const next = new Set(this.localColumns);
      if (shown) next.add(column);
      else next.delete(column);
      this.localColumns = next;
    }
    // A hidden column cannot be the one the table is sorted by: nothing on screen would say so.
    if (!shown && this.order.key === column) this.order = { key: 'cpu', direction: 'descending' };
  }

  /** CPU in the unit the user chose: % of one core, or share of the whole machine. */
  cpu(percentOfCore: number): number {
    return this.cpuMode === 'per-core' ? percentOfCore : percentOfCore / this.cores;
  }

  sortBy(key: SortKey): void {
    if (this.order.key === key) {
      this.order = {
        key,
        direction: this.order.direction === 'ascending' ? 'descending' : 'ascending',
      };
    } else {
      this.order = { key, direction: DESCENDING_FIRST.has(key) ? 'descending' : 'ascending' };
    }
  }

  select(id: ProcessId | null): void {
    if (id === this.selectedId) return;
    this.selectedId = id;
    this.exitedSelection = null;
  }

  /**
   * Selects a process and makes sure the table shows it: its ancestors expand in the tree, and a
   * search that hides it is cleared. The next table to mount (or the one showing) scrolls to it.
   */
  reveal(id: ProcessId): void {
    if (this.treeMode)
      for (const ancestor of this.ancestors(id)) this.setExpanded(ancestor.id, true);
    if (this.query && !this.display.some((line) => line.row.id === id)) this.query = '';
    this.select(id);
    this.revealPending = true;
  }

  /** True once after reveal(): the table that shows it should scroll to and focus the row. */
  takeRevealRequest(): boolean {
    const pending = this.revealPending;
    this.revealPending = false;
    return pending;
  }

  setExpanded(id: ProcessId, expanded: boolean): void {
    if (expanded === !this.collapsed.has(id)) return;
    const next = new Set(this.collapsed);
    if (expanded) next.delete(id);
    else next.add(id);
    this.collapsed = next;
  }

  ancestors(id: ProcessId): ProcessRow[] {
    return ancestorsOf(this.tree, id);
  }

  children(id: ProcessId): ProcessRow[] {
    return (this.tree.childrenOf.get(id) ?? []).filter((row) => !this.goneIds.has(row.id));
  }

  liveDescendants(id: ProcessId): ProcessRow[] {
    return descendantsOf(this.tree, id).filter((row) => !this.goneIds.has(row.id));
  }

  // ---- Signals ----------------------------------------------------------------------------

  /** Why an action cannot apply to the selected process right now, or null when it can. */
  actionBlocked(id: ActionId): string | null {
    void this.system.rows; // re-evaluate in templates on every tick
    const row = this.selectedId === null ? undefined : this.system.row(this.selectedId);
    if (!row)
      return this.selectedId === null ? 'No process is selected.' : 'The process has exited.';
    if (this.system.machine?.platform === 'win32' && (id === 'suspend' || id === 'resume'))
      return 'Windows has no signal to suspend or resume a process.';
    const stopped = row.state === 'T' || row.state === 't';
    if (id === 'suspend' && stopped) return 'It is already stopped.';
    if (id === 'resume' && !stopped && row.state !== '?')
      return 'Only a stopped process can be resumed.';
    if (id === 'kill-tree' && this.liveDescendants(row.id).length === 0)
      return 'It has no child processes.';
    return null;
  }

  /** Opens the confirmation for the selected (live) process; false when there is none. */
  openAction(id: ActionId): boolean {
    const row = this.selectedId === null ? undefined : this.system.row(this.selectedId);
    if (!row || this.pending) return false;
    const action = actionById(id);
    this.pending = {
      action,
      target: { pid: row.pid, startTime: row.startTime },
      targetId: row.id,
      label: nameOf(row),
      name: row.name,
      descendants: action.tree ? this.liveDescendants(row.id) : [],
      phase: 'confirm',
      error: null,
    };
    return true;
  }

  cancel(): void {
    this.pending = null;
  }

  async confirm(): Promise<void> {
    const pending = this.pending;
    if (!pending || pending.phase !== 'confirm') return;
    this.pending = { ...pending, phase: 'sending' };
    try {
      const result = await this.system.signal(
        pending.target,
        pending.action.signal,
        pending.action.tree,
      );
      if (this.pending?.targetId !== pending.targetId) return;
      this.pending = null;
      const others = result.signalled.length - 1;
      const zombies = result.zombies.length;
      this.notice =
        `Sent ${pending.action.signalName} to ${pending.label}` +
        (others > 0 ? ` and ${others} descendant${others === 1 ? '' : 's'}.` : '.') +
        (zombies > 0
          ? ` ${zombies} zombie${zombies === 1 ? ' was' : 's were'} in the tree: already exited, beyond any signal.`
          : '');
    } catch (error) {
      if (this.pending?.targetId !== pending.targetId) return;
      this.pending = {
        ...pending,
        phase: 'refused',
        error: {
          code: error instanceof ApiCallError ? error.code : undefined,
          message: error instanceof Error ? error.message : String(error),
        },
      };
    }
  }

  // ---- Rows coming and going --------------------------------------------------------------

  private onDelta(delta: SystemDelta): void {
    const now = delta.at;
    let changed = false;
    for (const [id, until] of this.freshUntil)
      if (until <= now) changed = this.freshUntil.delete(id);
    for (const [id, tomb] of this.tombUntil)
      if (tomb.until <= now) changed = this.tombUntil.delete(id);
    for (const id of delta.appeared) {
      this.freshUntil.set(id, now + FLASH_MS);
      changed = true;
    }
    for (const row of delta.vanished) {
      this.freshUntil.delete(row.id);
      this.tombUntil.set(row.id, { row, until: now + FLASH_MS });
      if (row.id === this.selectedId) this.exitedSelection = row;
      changed = true;
    }
    if (!changed) return;
    this.fresh = new Set(this.freshUntil.keys());
    this.tombstones = Array.from(this.tombUntil.values(), (tomb) => tomb.row);
  }
}
