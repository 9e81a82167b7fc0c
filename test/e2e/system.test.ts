// The System view against the real backend: find a process the test started, see its threads,
// kill it through the confirmation dialog, and make sure nothing else was hit.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { cspViolations, launchBrowser, openPage, startServer, type RunningServer } from './harness';

// Main thread plus three named workers (prctl PR_SET_NAME, so the OS sees the names too).
const PROGRAM = `
import ctypes, sys, threading, time
def name(label):
    try: ctypes.CDLL(None).prctl(15, label.encode(), 0, 0, 0)
    except Exception: pass
def work(label):
    name(label)
    while True: time.sleep(0.2)
for i in range(3):
    threading.Thread(target=work, args=(f'psc-worker-{i + 1}',), daemon=True).start()
time.sleep(0.3)
print('ready', flush=True)
while True: time.sleep(1)
`;

const marker = `procscope-e2e-${randomUUID().slice(0, 8)}`;
const children: ChildProcess[] = [];
let server: RunningServer;
let browser: Browser;

async function startProgram(role: string): Promise<ChildProcess & { pid: number }> {
  const child = spawn('python3', ['-c', PROGRAM, `${marker}-${role}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`test program exited early (${code})`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
  });
  return child as ChildProcess & { pid: number };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

async function openSystem(): Promise<Page> {
  const page = await openPage(browser, server.url);
  await page.getByRole('tab', { name: 'System' }).click();
  await page.getByTestId('process-grid').waitFor();
  return page;
}

async function findAndSelect(page: Page, role: string, pid: number): Promise<void> {
  await page.getByRole('searchbox', { name: 'Search processes' }).fill(`${marker}-${role}`);
  const row = page.locator(`[role="row"][data-pid="${pid}"]`);
  await row.waitFor({ timeout: 10_000 });
  await row.click();
  await expect.poll(() => row.getAttribute('aria-selected')).toBe('true');
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await browser?.close();
  await server?.stop();
});

describe('System view, end to end', () => {
  it('lists live processes in a virtualized, sortable, keyboard-driven grid', async () => {
    const page = await openSystem();
    const grid = page.getByTestId('process-grid');
    await expect
      .poll(async () => Number(await grid.getAttribute('aria-rowcount')))
      .toBeGreaterThan(40);
    const total = Number(await grid.getAttribute('aria-rowcount')) - 1;
    const rendered = await grid.locator('[role="row"][data-id]').count();
    expect(rendered).toBeLessThan(total);

    // Enter on a focused header sorts by that column.
    const pidHeader = page.getByRole('columnheader', { name: /PID/ });
    await pidHeader.getByRole('button').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => pidHeader.getAttribute('aria-sort')).toBe('ascending');

    // Arrow keys move a real focus through the rows; End reaches the last row, far outside
    // the first rendered window. (Other processes come and go meanwhile, hence the tolerance.)
    await grid.locator('[role="row"][tabindex="0"]').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    const selected = grid.locator('[role="row"][aria-selected="true"]');
    await expect
      .poll(async () => Number(await selected.getAttribute('aria-rowindex')))
      .toBeGreaterThan(Math.max(rendered, total - 5));
    expect(await selected.evaluate((element) => element === document.activeElement)).toBe(true);
    await page.context().close();
  });

  it('finds a test process, shows its threads, and kills only it', async () => {
    const target = await startProgram('target');
    const decoy = await startProgram('decoy');
    const page = await openSystem();
    await findAndSelect(page, 'target', target.pid);
    expect(await page.locator(`[role="row"][data-pid="${decoy.pid}"]`).count()).toBe(0);

    const details = page.getByTestId('details');
    await expect
      .poll(() => details.getByTestId('details-command').textContent())
      .toContain(`${marker}-target`);
    const threads = details.getByTestId('threads').locator('tbody tr');
    await expect.poll(() => threads.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
    expect(await details.getByTestId('threads').textContent()).toContain('psc-worker-3');

    await details.getByRole('button', { name: 'Kill…', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.getAttribute('aria-labelledby')).toBe('signal-title');
    expect(await dialog.locator('#signal-title').textContent()).toMatch(
      new RegExp(`^Kill python[\\d.]* \\(pid ${target.pid}\\)\\?$`),
    );
    const exited = once(target, 'exit');
    await dialog.getByRole('button', { name: 'Kill', exact: true }).click();
    await exited;
    expect(target.signalCode).toBe('SIGKILL');
    expect(isAlive(target.pid)).toBe(false);
    await expect.poll(() => page.getByTestId('notice').textContent()).toContain(`Sent SIGKILL to`);

    // Gone from the table too (after its brief "exited" fade), and the search says so.
    await expect
      .poll(() => page.locator(`[role="row"][data-pid="${target.pid}"]`).count(), {
        timeout: 10_000,
      })
      .toBe(0);
    await page.getByTestId('no-match').waitFor();

    // The decoy, started the same way with a similar name, was not touched.
    expect(isAlive(decoy.pid)).toBe(true);
    expect(decoy.exitCode).toBeNull();
    expect(decoy.signalCode).toBeNull();

    // Rows, sparklines, menu and dialog style themselves through the CSSOM only, so the strict
    // CSP (no inline styles, no eval) holds through everything the view did.
    const violations = await cspViolations(page);
    expect(violations).toEqual([]);
    await page.context().close();
  });

  it('shows a clear refusal when the process exits while the dialog is open', async () => {
    const late = await startProgram('late');
    const page = await openSystem();
    await findAndSelect(page, 'late', late.pid);
    await page.getByTestId('details').getByRole('button', { name: 'Terminate…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();

    // Behind the UI's back: the process dies after the dialog captured its identity.
    const exited = once(late, 'exit');
    process.kill(late.pid, 'SIGKILL');
    await exited;
    expect(isAlive(late.pid)).toBe(false);

    await dialog.getByRole('button', { name: 'Terminate', exact: true }).click();
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    const text = await alert.textContent();
    expect(text).toContain('Nothing was signalled');
    expect(text).toContain(`(pid ${late.pid}) has already exited`);
    // Esc closes it.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await page.context().close();
  });

  it('adds columns from the keyboard, with live figures for our own process, and keeps them after a reload', async () => {
    const program = await startProgram('columns');
    const page = await openSystem();
    await page.getByRole('button', { name: 'Columns' }).click();
    const menu = page.getByRole('menu', { name: 'Columns' });
    // Keyboard only: down to the disk reads, Enter ticks it; then PPID by click; Esc closes.
    await expect
      .poll(() =>
        menu
          .getByRole('menuitemcheckbox')
          .first()
          .evaluate((item) => item === document.activeElement),
      )
      .toBe(true);
    for (let index = 0; index < 9; index++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await menu.getByRole('menuitemcheckbox', { name: 'Parent PID' }).click();
    await page.keyboard.press('Escape');
    await expect.poll(() => menu.count()).toBe(0);

    const header = (name: string) =>
      page.getByRole('columnheader', { name: new RegExp(`^${name}`) });
    await header('Disk read').waitFor();
    await header('PPID').waitFor();
    await findAndSelect(page, 'columns', program.pid);
    const row = page.locator(`[role="row"][data-pid="${program.pid}"]`);
    const cell = async (name: string) => {
      const names = await page.getByRole('columnheader').allTextContents();
      const index = names.findIndex((text) => text.trim().startsWith(name));
      return (await row.getByRole('gridcell').nth(index).textContent())?.trim();
    };
    expect(await cell('PPID')).toBe(String(process.pid));
    // Readable for our own process: a rate once two reads have been taken, never —.
    await expect.poll(() => cell('Disk read'), { timeout: 10_000 }).toMatch(/^(0|[\d.]+ \w+\/s)$/);

    await page.reload();
    await page.getByRole('tab', { name: 'System' }).click();
    await header('Disk read').waitFor();
    await header('PPID').waitFor();
    await page.context().close();
  });
});
