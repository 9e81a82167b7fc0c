// Leaving every view and coming back, as a person does all day: the System view must still be
// live (a process started while it was away appears, one killed disappears), sortable and
// searchable; Overview must still tick; Lab and Lessons must still answer. The console guard
// fails the test on any warning (a stale view state shows up as Svelte's derived_inert).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, useServerAndBrowser } from './harness';

const VIEWS = ['Overview', 'System', 'Lab', 'Lessons'] as const;
type View = (typeof VIEWS)[number];

const marker = `procscope-views-${randomUUID().slice(0, 8)}`;
const children: ChildProcess[] = [];

const e2e = useServerAndBrowser();
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

// Debian's interpreter where there is one: pyenv's `python3` launcher briefly shows as a second
// process with the same arguments, which would make "exactly one row matches" wait for its fade.
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function startSleeper(label: string): ChildProcess & { pid: number } {
  const child = spawn(PYTHON, ['-c', 'import time; time.sleep(600)', `${marker}-${label}`], {
    stdio: 'ignore',
  });
  children.push(child);
  return child as ChildProcess & { pid: number };
}

/** Switches views as a person might: by clicking the tab, or with its Alt+N key. */
async function go(page: Page, view: View, by: 'click' | 'key'): Promise<void> {
  const tab = page.getByRole('tab', { name: view, exact: true });
  if (by === 'click') await tab.click();
  else await page.keyboard.press(`Alt+${VIEWS.indexOf(view) + 1}`);
  await expect.poll(() => tab.getAttribute('aria-selected')).toBe('true');
}

const search = (page: Page) => page.getByRole('searchbox', { name: 'Search processes' });
const grid = (page: Page) => page.getByTestId('process-grid');
const renderedPids = (page: Page) =>
  grid(page)
    .locator('[role="row"][data-pid]')
    .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-pid'))));

/** The System view after a round trip: live, searchable and sortable. */
async function checkSystemWorks(page: Page, label: string): Promise<void> {
  await grid(page).waitFor();
  // Live: a process started now, while the view is showing again, appears within a few ticks…
  const sleeper = startSleeper(label);
  await search(page).fill(`${marker}-${label}`);
  const row = page.locator(`[role="row"][data-pid="${sleeper.pid}"]`);
  await row.waitFor({ timeout: 10_000 });
  // …the search narrows the list to it and says so (once pyenv's short-lived launcher, which
  // carries the same arguments, has faded out as exited)…
  await expect.poll(() => renderedPids(page), { timeout: 5000 }).toEqual([sleeper.pid]);
  await expect
    .poll(() => page.getByTestId('process-shown').textContent())
    .toMatch(/^\s*1 of [\d,]+ processes\s*$/);
  // …and it disappears once it has exited.
  const exited = once(sleeper, 'exit');
  sleeper.kill('SIGKILL');
  await exited;
  await page.getByTestId('no-match').waitFor({ timeout: 10_000 });

  // Sorting still reorders the rows, both ways.
  await search(page).fill('');
  const pidHeader = page.getByRole('columnheader', { name: /PID/ });
  await pidHeader.getByRole('button').click();
  if ((await pidHeader.getAttribute('aria-sort')) !== 'ascending')
    await pidHeader.getByRole('button').click();
  await expect.poll(() => pidHeader.getAttribute('aria-sort')).toBe('ascending');
  await expect
    .poll(async () => {
      const pids = await renderedPids(page);
      return pids.length > 5 && pids.every((pid, i) => i === 0 || pids[i - 1]! < pid);
    })
    .toBe(true);
  await pidHeader.getByRole('button').click();
  await expect.poll(() => pidHeader.getAttribute('aria-sort')).toBe('descending');
  await expect
    .poll(async () => {
      const pids = await renderedPids(page);
      return pids.length > 5 && pids.every((pid, i) => i === 0 || pids[i - 1]! > pid);
    })
    .toBe(true);
}

async function checkOverviewWorks(page: Page): Promise<void> {
  const stamp = page.getByTestId('sampled-at');
  const first = await stamp.getAttribute('data-at');
  await expect.poll(() => stamp.getAttribute('data-at'), { timeout: 5000 }).not.toBe(first);
  const count = page.getByTestId('process-count');
  expect(Number((await count.textContent())?.replace(/,/g, ''))).toBeGreaterThan(0);
  await expect.poll(() => page.getByTestId('busiest').locator('tr').count()).toBeGreaterThan(0);
}

async function checkLabWorks(page: Page): Promise<void> {
  await page.getByTestId('interpreter').getByText('Python 3').waitFor();
  await expect.poll(() => page.getByRole('button', { name: 'Run', exact: true }).count()).toBe(1);
}

async function checkLessonsWorks(page: Page): Promise<void> {
  await page.getByTestId('lesson-option').nth(2).click();
  await page.getByText('Lesson 3 of 10').waitFor();
}

const check: Record<View, (page: Page, label: string) => Promise<void>> = {
  Overview: checkOverviewWorks,
  System: checkSystemWorks,
  Lab: checkLabWorks,
  Lessons: checkLessonsWorks,
};

describe('leaving every view and coming back', () => {
  it('the System view stays live, sortable and searchable after visiting each other view', async () => {
    const page = await openPage(e2e.browser, e2e.server.url);
    await go(page, 'System', 'click');
    await checkSystemWorks(page, 'first');
    const others = VIEWS.filter((view) => view !== 'System');
    for (const [index, other] of others.entries()) {
      const by = index % 2 === 0 ? 'click' : 'key';
      await go(page, other, by);
      await go(page, 'System', by);
      await checkSystemWorks(page, `${other}-${by}`);
    }
    await page.context().close();
  });

  it('every other view still works after the app went everywhere else and back', async () => {
    const page = await openPage(e2e.browser, e2e.server.url);
    for (const view of VIEWS.filter((candidate) => candidate !== 'System')) {
      await go(page, view, 'click');
      await check[view](page, view);
      for (const other of VIEWS.filter((candidate) => candidate !== view)) {
        await go(page, other, 'key');
        await go(page, view, 'key');
      }
      await check[view](page, view);
    }
    await page.context().close();
  });

  it('a busy process on the Overview opens in the System view, selected and focused', async () => {
    const busy = spawn(PYTHON, ['-c', 'while True: pass', `${marker}-busy`], {
      stdio: 'ignore',
    });
    children.push(busy);
    const page = await openPage(e2e.browser, e2e.server.url);
    // A search that would hide it, left behind in the System view, must not.
    await go(page, 'System', 'click');
    await search(page).fill('no-such-process-anywhere');
    await go(page, 'Overview', 'click');
    const open = page.getByRole('button', {
      name: new RegExp(`^Show python[\\d.]* \\(pid ${busy.pid}\\) in the System view$`),
    });
    await open.waitFor({ timeout: 10_000 });
    await open.click();
    await expect
      .poll(() => page.getByRole('tab', { name: 'System' }).getAttribute('aria-selected'))
      .toBe('true');
    const row = page.locator(`[role="row"][data-pid="${busy.pid}"]`);
    await expect.poll(() => row.getAttribute('aria-selected')).toBe('true');
    expect(await row.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await search(page).inputValue()).toBe('');
    // Two more ticks re-sort the busy list around it: it keeps the focus and stays on screen.
    for (let ticks = 0; ticks < 2; ticks++) {
      const stamp = await page.getByTestId('sampled-at').getAttribute('data-at');
      await expect
        .poll(() => page.getByTestId('sampled-at').getAttribute('data-at'), { timeout: 5000 })
        .not.toBe(stamp);
    }
    expect(await row.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(
      await row.evaluate((element) => {
        const box = element.getBoundingClientRect();
        const view = element.closest('[data-testid="process-grid"]')!.getBoundingClientRect();
        return box.top >= view.top && box.bottom <= view.bottom;
      }),
    ).toBe(true);
    await expect
      .poll(() => page.getByTestId('details').getByTestId('details-command').textContent())
      .toContain(`${marker}-busy`);
    busy.kill('SIGKILL');
    await page.context().close();
  });

  it('the help lists one Alt key per tab, and each key goes to the tab it names', async () => {
    const page = await openPage(e2e.browser, e2e.server.url);
    const tabs = await page.getByRole('tab').allTextContents();
    expect(tabs.map((tab) => tab.trim())).toEqual([...VIEWS]);
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    const altKeys = await help
      .locator('dt')
      .evaluateAll((terms) =>
        terms
          .filter((term) => /^Alt /.test(term.textContent ?? ''))
          .map((term) => `${term.textContent} → ${term.nextElementSibling?.textContent}`),
      );
    expect(altKeys).toEqual(VIEWS.map((view, index) => `Alt ${index + 1} → Go to ${view}`));
    await page.keyboard.press('Escape');
    await expect.poll(() => help.count()).toBe(0);
    for (const view of [...VIEWS].reverse()) await go(page, view, 'key');
    await page.context().close();
  });
});
