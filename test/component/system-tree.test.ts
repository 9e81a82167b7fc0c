// The pure shaping behind the process table: search, sort, tree, and the virtual window.
import { describe, expect, it } from 'vitest';
import {
  ancestorsOf,
  buildTree,
  comparator,
  descendantsOf,
  matcher,
  shapeRows,
  type ShapeOptions,
} from '../../src-renderer/src/lib/process-tree';
import { scrollToReveal, visibleWindow } from '../../src-renderer/src/lib/virtual-list';
import { row } from './fixtures';

const pids = (rows: Array<{ pid: number }>) => rows.map((r) => r.pid);
const options = (overrides: Partial<ShapeOptions> = {}): ShapeOptions => ({
  order: { key: 'pid', direction: 'ascending' },
  query: '',
  treeMode: false,
  collapsed: new Set(),
  gone: new Set(),
  ...overrides,
});
const shape = (rows: ReturnType<typeof row>[], overrides: Partial<ShapeOptions> = {}) =>
  shapeRows(rows, buildTree(rows), options(overrides));

describe('search', () => {
  const rows = [
    row(10, { name: 'python3', user: 'alice', command: 'python3 train.py --epochs 5' }),
    row(4312, { name: 'bash', user: 'bob', command: '-bash' }),
    row(431, { name: 'sshd', user: 'root', command: 'sshd: alice [priv]' }),
  ];

  it('matches name, user and command line, case-insensitively', () => {
    expect(pids(rows.filter(matcher('PYTHON')!))).toEqual([10]);
    expect(pids(rows.filter(matcher('bob')!))).toEqual([4312]);
    expect(pids(rows.filter(matcher('train.py')!))).toEqual([10]);
    expect(pids(rows.filter(matcher('alice')!))).toEqual([10, 431]);
  });

  it('matches a pid by its leading digits', () => {
    expect(pids(rows.filter(matcher('431')!))).toEqual([4312, 431]);
    expect(pids(rows.filter(matcher('4312')!))).toEqual([4312]);
  });

  it('needs every term to match, and an empty query matches nothing special', () => {
    expect(pids(rows.filter(matcher('alice sshd')!))).toEqual([431]);
    expect(matcher('   ')).toBeNull();
  });

  it('filters the table', () => {
    expect(pids(shape(rows, { query: 'alice' }).map((l) => l.row))).toEqual([10, 431]);
  });
});

describe('sorting', () => {
  const rows = [
    row(3, { name: 'zsh', cpu: 5, rssBytes: 10, state: 'S' }),
    row(1, { name: 'Alpha', cpu: 50, rssBytes: 30, state: 'Z' }),
    row(2, { name: 'app10', cpu: 5, rssBytes: 20, state: 'R' }),
    row(4, { name: 'app9', cpu: 120, rssBytes: 5, state: 'D' }),
  ];
  const sorted = (
    key: Parameters<typeof comparator>[0]['key'],
    direction: 'ascending' | 'descending',
  ) => pids(shape(rows, { order: { key, direction } }).map((l) => l.row));

  it('sorts by CPU, largest first, with ties in pid order', () => {
    expect(sorted('cpu', 'descending')).toEqual([4, 1, 2, 3]);
    expect(sorted('cpu', 'ascending')).toEqual([2, 3, 1, 4]);
  });

  it('sorts names naturally and without regard to case', () => {
    expect(sorted('name', 'ascending')).toEqual([1, 4, 2, 3]);
  });

  it('sorts by memory, pid and state (busy states first)', () => {
    expect(sorted('memory', 'descending')).toEqual([1, 2, 3, 4]);
    expect(sorted('pid', 'descending')).toEqual([4, 3, 2, 1]);
    expect(sorted('state', 'ascending')).toEqual([2, 4, 3, 1]);
  });
});

describe('the process tree', () => {
  it('nests children under parents by ppid and sums CPU over subtrees', () => {
    const rows = [
      row(1, { ppid: 0, cpu: 1 }),
      row(10, { ppid: 1, cpu: 2 }),
      row(11, { ppid: 10, cpu: 30 }),
      row(12, { ppid: 10, cpu: 4 }),
      row(20, { ppid: 1, cpu: 0.5 }),
    ];
    const tree = buildTree(rows);
    expect(pids(tree.roots)).toEqual([1]);
    expect(tree.subtreeCpu.get(rows[1]!.id)).toBe(36);
    expect(tree.subtreeCpu.get(rows[0]!.id)).toBe(37.5);
    expect(tree.subtreeCpu.get(rows[2]!.id)).toBe(30);
    expect(pids(ancestorsOf(tree, rows[2]!.id))).toEqual([10, 1]);
    expect(pids(descendantsOf(tree, rows[0]!.id))).toEqual([10, 11, 12, 20]);

    const lines = shape(rows, { treeMode: true });
    expect(lines.map((l) => [l.row.pid, l.depth])).toEqual([
      [1, 0],
      [10, 1],
      [11, 2],
      [12, 2],
      [20, 1],
    ]);
    expect(lines[1]).toMatchObject({ hasChildren: true, expanded: true, subtreeCpu: 36 });
  });

  it('makes orphans (parent not in the list) roots instead of dropping them', () => {
    const rows = [row(1, { ppid: 0 }), row(50, { ppid: 999 }), row(51, { ppid: 50 })];
    const tree = buildTree(rows);
    expect(pids(tree.roots)).toEqual([1, 50]);
    expect(shape(rows, { treeMode: true }).map((l) => [l.row.pid, l.depth])).toEqual([
      [1, 0],
      [50, 0],
      [51, 1],
    ]);
  });

  it('does not adopt a child into a parent that started after it (pid reuse)', () => {
    const newcomer = row(7, { ppid: 1, startTime: 1_800_000_000_000, id: '7:1800000000000' });
    const olderChild = row(8, { ppid: 7, startTime: 1_700_000_000_000 });
    const tree = buildTree([row(1, { ppid: 0, startTime: 1 }), newcomer, olderChild]);
    expect(tree.parentOf.has(olderChild.id)).toBe(false);
    expect(pids(tree.roots)).toContain(8);
  });

  it('survives cycles and self-parenting without looping or losing rows', () => {
    const startTime = 1_700_000_000_000;
    const a = row(5, { ppid: 6, startTime, id: `5:${startTime}` });
    const b = row(6, { ppid: 7, startTime, id: `6:${startTime}` });
    const c = row(7, { ppid: 5, startTime, id: `7:${startTime}`, cpu: 3 });
    const self = row(9, { ppid: 9 });
    const rows = [a, b, c, self];
    const tree = buildTree(rows);
    const lines = shape(rows, { treeMode: true });
    expect(lines).toHaveLength(4);
    expect(new Set(lines.map((l) => l.row.pid))).toEqual(new Set([5, 6, 7, 9]));
    expect(tree.roots.length).toBeGreaterThanOrEqual(2);
    expect(ancestorsOf(tree, a.id).length).toBeLessThan(3);
    expect([...tree.subtreeCpu.values()].every(Number.isFinite)).toBe(true);
  });

  it('hides the children of a collapsed row', () => {
    const rows = [row(1, { ppid: 0 }), row(2, { ppid: 1 }), row(3, { ppid: 2 })];
    const lines = shape(rows, { treeMode: true, collapsed: new Set([rows[1]!.id]) });
    expect(pids(lines.map((l) => l.row))).toEqual([1, 2]);
    expect(lines[1]).toMatchObject({ hasChildren: true, expanded: false });
  });

  it('while searching, shows matches with their ancestors as context, opened', () => {
    const rows = [
      row(1, { ppid: 0, name: 'init' }),
      row(2, { ppid: 1, name: 'shell' }),
      row(3, { ppid: 2, name: 'python3' }),
      row(4, { ppid: 1, name: 'other' }),
    ];
    const lines = shape(rows, {
      treeMode: true,
      query: 'python',
      collapsed: new Set([rows[1]!.id]),
    });
    expect(lines.map((l) => [l.row.pid, l.context])).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
  });

  it('sorts siblings with the chosen order', () => {
    const rows = [row(1, { ppid: 0 }), row(2, { ppid: 1, cpu: 1 }), row(3, { ppid: 1, cpu: 9 })];
    const lines = shape(rows, { treeMode: true, order: { key: 'cpu', direction: 'descending' } });
    expect(pids(lines.map((l) => l.row))).toEqual([1, 3, 2]);
  });

  it('handles a chain deeper than the JS stack would allow recursively', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => row(i + 2, { ppid: i + 1 }));
    const lines = shape(rows, { treeMode: true });
    expect(lines).toHaveLength(20_000);
    expect(lines.at(-1)?.depth).toBe(19_999);
  });
});

describe('the virtual window', () => {
  it('covers the viewport plus overscan and stays inside the list', () => {
    expect(visibleWindow(0, 480, 24, 3000, 8)).toEqual({ start: 0, end: 29 });
    expect(visibleWindow(24 * 1500, 480, 24, 3000, 8)).toEqual({ start: 1492, end: 1529 });
    expect(visibleWindow(24 * 2990, 480, 24, 3000, 8)).toEqual({ start: 2982, end: 3000 });
    expect(visibleWindow(10_000_000, 480, 24, 10, 8)).toEqual({ start: 1, end: 10 });
    expect(visibleWindow(0, 480, 24, 0)).toEqual({ start: 0, end: 0 });
  });

  it('scrolls just enough to reveal a row', () => {
    expect(scrollToReveal(5, 0, 240, 24)).toBe(0);
    expect(scrollToReveal(20, 0, 240, 24)).toBe(21 * 24 - 240);
    expect(scrollToReveal(2, 240, 240, 24)).toBe(48);
  });
});
