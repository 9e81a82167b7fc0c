// The Lab through the real browser-mode server, the real supervisor and tracer, and real Python:
// programs from the tutorial are written to a temp folder, typed into the form and run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cspViolations, launchBrowser, openPage, startServer, type RunningServer } from './harness';

const PROGRAMS = {
  'two.py': `
import time
from multiprocessing import Process


def do_something():
    print("I'm going to sleep", flush=True)
    time.sleep(1)
    print("I'm awake", flush=True)


if __name__ == "__main__":
    process_1 = Process(target=do_something)
    process_2 = Process(target=do_something)
    process_1.start()
    process_2.start()
    process_1.join()
    process_2.join()
`,
  'name_error.py': `
from multiprocessing import Process


def example(args):
    split_args = list(args.split())
    return name


if __name__ == "__main__":
    process = Process(target=example, args=("Hi",))
    process.start()
    process.join()
`,
  'forever.py': `
import time
from multiprocessing import Process


def forever():
    print("child: sleeping for a minute", flush=True)
    time.sleep(60)


if __name__ == "__main__":
    child = Process(target=forever)
    child.start()
    child.join()
    print("child exit code", child.exitcode, flush=True)
`,
  'greet.py': `
import sys

name = input("name? ")
print("hello", name, flush=True)
for line in sys.stdin:
    print("got", line.strip(), flush=True)
print("the end of input", flush=True)
`,
};

let server: RunningServer;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'procscope-lab-e2e-'));
  for (const [name, source] of Object.entries(PROGRAMS)) writeFileSync(join(dir, name), source);
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function openLab(): Promise<Page> {
  const page = await openPage(browser, server.url);
  await page.getByRole('tab', { name: 'Lab' }).click();
  await page.getByTestId('interpreter').getByText('Python 3').waitFor();
  return page;
}

async function run(
  page: Page,
  script: string,
  options: { stepMode?: boolean } = {},
): Promise<void> {
  await page.getByLabel('Script', { exact: true }).fill(join(dir, script));
  await page.getByRole('checkbox', { name: /Step mode/ }).setChecked(options.stepMode ?? false);
  await page.getByRole('button', { name: /Run/ }).click();
  await page.getByTestId('run-header').getByRole('heading', { name: script }).waitFor();
}

const row = (page: Page, name: string) =>
  page.locator(`[data-testid="process-row"][data-name="${name}"]`);

/**
 * Samples every process row's state every 20 ms from inside the page, so a state that lasts a
 * second (a child asleep, a parent in join) is seen however the test's own polling is timed.
 */
async function recordStates(page: Page): Promise<() => Promise<Record<string, string[]>>> {
  await page.evaluate(() => {
    const seen: Record<string, string[]> = {};
    Object.defineProperty(window, '__labStates', { value: seen });
    setInterval(() => {
      document.querySelectorAll<HTMLElement>('[data-testid="process-row"]').forEach((element) => {
        const { name = '?', state = '?' } = element.dataset;
        const states = (seen[name] ??= []);
        if (states.at(-1) !== state) states.push(state);
      });
    }, 20);
  });
  return () =>
    page.evaluate(
      () => (window as unknown as { __labStates: Record<string, string[]> }).__labStates,
    );
}

describe('the Lab, end to end', () => {
  it('runs two processes that sleep and join: New, Running, Terminated with exit 0, and their output', async () => {
    const page = await openLab();
    const seen = await recordStates(page);
    // Step mode holds the main process at its first start(): both Process objects exist, unstarted.
    await run(page, 'two.py', { stepMode: true });
    const banner = page.getByTestId('step-banner');
    await expect
      .poll(() => banner.textContent())
      .toMatch(/Paused: MainProcess \(pid \d+\) at Process-1\.start\(\)/);
    expect(await row(page, 'Process-1').getAttribute('data-state')).toBe('new');
    expect(await row(page, 'Process-2').getAttribute('data-state')).toBe('new');

    await page.keyboard.press('c');
    for (const name of ['Process-1', 'Process-2', 'MainProcess'])
      await expect
        .poll(() => row(page, name).getAttribute('data-state'), { timeout: 15_000 })
        .toBe('terminated');
    const states = await seen();
    expect(states['Process-1']).toEqual(['new', 'running', 'terminated']);
    expect(states['Process-2']).toEqual(['new', 'running', 'terminated']);
    expect(states['MainProcess']).toContain('waiting');
    for (const name of ['MainProcess', 'Process-1', 'Process-2'])
      expect(await row(page, name).locator('.badge .text').textContent()).toContain('exit 0');

    const pid1 = await row(page, 'Process-1').getAttribute('data-pid');
    const pid2 = await row(page, 'Process-2').getAttribute('data-pid');
    const lines = (await page.getByTestId('output-line').allTextContents()).map((line) =>
      line.replace(/\s+/g, ' ').trim(),
    );
    expect(lines.filter((line) => line.startsWith(`${pid1} `))).toEqual([
      `${pid1} I'm going to sleep`,
      `${pid1} I'm awake`,
    ]);
    expect(lines.filter((line) => line.startsWith(`${pid2} `))).toEqual([
      `${pid2} I'm going to sleep`,
      `${pid2} I'm awake`,
    ]);
    await expect
      .poll(() => page.getByTestId('run-header').locator('.badge .text').textContent())
      .toContain('exit 0');
    expect(await cspViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('shows the NameError raised in a target, with its traceback, and exit 1', async () => {
    const page = await openLab();
    await run(page, 'name_error.py');
    const problem = page.getByTestId('problems').getByRole('alert');
    await expect
      .poll(() => problem.textContent(), { timeout: 15_000 })
      .toMatch(/NameError in Process-1 \(pid \d+\)/);
    expect(await problem.textContent()).toContain("name 'name' is not defined");
    await problem.getByText('Traceback', { exact: true }).click();
    expect(await problem.locator('pre').textContent()).toContain('return name');
    await expect
      .poll(() => row(page, 'Process-1').locator('.badge .text').textContent())
      .toBe('exit 1 (NameError)');
    await page.context().close();
  });

  it('kills a long-running child from its row: exit −9', async () => {
    const page = await openLab();
    await run(page, 'forever.py');
    const kill = page.getByRole('button', { name: /^Kill Process-1 \(pid \d+\)$/ });
    await page.getByText('child: sleeping for a minute').waitFor({ timeout: 15_000 });
    await kill.click();
    await expect
      .poll(() => row(page, 'Process-1').locator('.badge .text').textContent(), { timeout: 15_000 })
      .toBe('exit −9 (SIGKILL)');
    await page.getByText('child exit code -9').waitFor();
    expect(await kill.count()).toBe(0);
    await page.context().close();
  });

  it('says clearly that a script does not exist', async () => {
    const page = await openLab();
    const missing = join(dir, 'not_there.py');
    await page.getByLabel('Script', { exact: true }).fill(missing);
    await page.getByRole('button', { name: /Run/ }).click();
    const problem = page.getByTestId('problems').getByRole('alert');
    await expect
      .poll(() => problem.textContent(), { timeout: 15_000 })
      .toContain('The script could not be opened');
    expect(await problem.textContent()).toContain(missing);
    expect(await problem.textContent()).toMatch(/No such file|cannot find/i);
    await expect
      .poll(() => page.getByTestId('run-header').locator('.badge .text').textContent())
      .toContain('failed');
    await page.context().close();
  });

  it("types into the program's stdin from the input line, and ends it with Ctrl D", async () => {
    const page = await openLab();
    await run(page, 'greet.py');
    const output = page.getByTestId('output');
    await output.getByText('name?').waitFor({ timeout: 15_000 });
    const field = page.getByLabel('Input', { exact: true });
    await field.focus();
    await page.keyboard.type('Ada');
    await page.keyboard.press('Enter');
    await output.getByText('hello Ada').waitFor();
    // What was typed is shown where a terminal would echo it, marked as input.
    expect(await output.locator('.line.stdin').allTextContents()).toEqual([
      expect.stringMatching(/^›\s*stdin:\s*Ada$/),
    ]);
    expect(await field.inputValue()).toBe('');

    // A line half typed survives a trip to another view.
    await page.keyboard.type('more');
    await page.getByRole('tab', { name: 'Overview' }).click();
    await page.getByRole('tab', { name: 'Lab' }).click();
    expect(await field.inputValue()).toBe('more');
    await field.focus();
    await page.keyboard.press('Enter');
    await output.getByText('got more').waitFor();

    await page.keyboard.press('Control+d');
    await output.getByText('the end of input', { exact: true }).waitFor();
    await output.getByText('end of input (Ctrl D)').waitFor();
    await expect
      .poll(() => page.getByTestId('run-header').locator('.badge .text').textContent())
      .toContain('exit 0');
    expect(await field.isDisabled()).toBe(true);
    expect(await field.getAttribute('placeholder')).toBe('The program has ended');
    expect(await page.getByRole('button', { name: 'End input' }).isDisabled()).toBe(true);
    expect(await cspViolations(page)).toEqual([]);
    await page.context().close();
  });
});
