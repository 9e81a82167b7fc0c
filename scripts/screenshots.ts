// Screenshots for the README, taken from the real app in browser mode (`npm run screenshots`
// after `npm run build`). Each view is shot in the light and the dark theme.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { launchBrowser, openPage, root, startServer } from '../test/e2e/harness';

const OUT = join(root, 'docs', 'screenshots');

// A small multi-threaded Python program to select in the System view, so the details pane has
// threads to show: the main thread and three named workers, one of them busy part of the time.
const DEMO = `
import ctypes, sys, threading, time
libc = ctypes.CDLL(None)
def name(text): libc.prctl(15, text.encode(), 0, 0, 0)
def work(label, duty):
    name(label)
    while True:
        end = time.time() + duty * 0.1
        while time.time() < end: pass
        time.sleep((1 - duty) * 0.1)
name('prime-workers')
for i, duty in enumerate((0.45, 0.12, 0.0)):
    threading.Thread(target=work, args=(f'worker-{i + 1}', duty), daemon=True).start()
while True: time.sleep(1)
`;

// The Lab runs the tutorial's join lesson: two children asleep for a second, joined by the parent.
const JOIN_LESSON = join(root, 'src-main', 'core', 'lessons', 'programs', '06_join.py');

const demo = spawn('python3', ['-c', DEMO, 'procscope-screenshot-demo'], { stdio: 'ignore' });
const server = await startServer();
const browser = await launchBrowser();
try {
  for (const colorScheme of ['light', 'dark'] as const) {
    const page = await openPage(browser, server.url, { colorScheme });
    await page.getByTestId('process-count').waitFor();
    // Let a few ticks fill the sparklines.
    await page.waitForTimeout(4500);
    await page.screenshot({ path: join(OUT, `overview-${colorScheme}.png`) });

    await page.getByRole('tab', { name: 'System' }).click();
    const search = page.getByRole('searchbox', { name: 'Search processes' });
    await search.fill(String(demo.pid));
    await page.locator(`[role="row"][data-pid="${demo.pid}"]`).click();
    await search.fill('');
    await page.getByTestId('threads').locator('tbody tr').nth(3).waitFor();
    await page.waitForTimeout(8000);
    await page.locator(`[role="row"][data-pid="${demo.pid}"]`).focus();
    await page.screenshot({ path: join(OUT, `system-${colorScheme}.png`) });

    await page.getByRole('tab', { name: 'Lab' }).click();
    const runs = page.getByRole('listbox', { name: 'Runs' }).getByRole('option');
    await page.getByTestId('interpreter').getByText('Python 3').waitFor();
    const runsBefore = await runs.count();
    await page.getByLabel('Script', { exact: true }).fill(JOIN_LESSON);
    await page.getByLabel('Arguments').fill('--join');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    // This run, not an earlier one (a new page selects the newest run it finds).
    await runs.nth(runsBefore).waitFor();
    await page.getByTestId('run-header').getByText('exit 0').waitFor({ timeout: 20_000 });
    await page.screenshot({ path: join(OUT, `lab-${colorScheme}.png`) });
    await page.context().close();
  }

  await lessonScreenshots();
} finally {
  demo.kill('SIGKILL');
  await browser.close();
  await server.stop();
}

/**
 * The Lessons screen as a class sees it: classroom mode on a 1280×720 projector, lesson 6 without
 * and with join(), lesson 9 with threads and with processes; then lesson 6 in the normal layout.
 */
async function lessonScreenshots(): Promise<void> {
  const page = await openPage(browser, server.url, { width: 1280, height: 720 });
  const open = async (number: number) => {
    await page
      .getByTestId('lesson-option')
      .nth(number - 1)
      .click();
    await page.getByText(`Lesson ${number} of 10`).waitFor();
  };
  /** Runs a "Try this" variation and waits for that run (not the one before) to end. */
  const run = async (variation: string) => {
    const state = page.getByTestId('lesson-run-state');
    const before = (await state.count()) > 0 ? await state.getAttribute('data-run') : null;
    await page.getByRole('radio', { name: variation, exact: true }).check();
    await page.getByRole('button', { name: /^Run/ }).click();
    await page.waitForFunction(
      (previous) => {
        const badge = document.querySelector('[data-testid="lesson-run-state"]');
        return (
          badge?.getAttribute('data-run') !== previous &&
          badge?.getAttribute('data-state') === 'exited'
        );
      },
      before,
      { timeout: 60_000 },
    );
    // The Timeline draws on the next frame; the pointer must not leave a hover behind.
    await page.mouse.move(0, 0);
    await page.waitForTimeout(400);
  };
  const classroom = () => page.keyboard.press('Control+Shift+P');

  await page.getByRole('tab', { name: 'Lessons' }).click();
  await open(6);
  await classroom();
  await run('Without join()');
  await page.screenshot({ path: join(OUT, 'lesson6-no-join.png') });
  await run('With join()');
  await page.screenshot({ path: join(OUT, 'lesson6-join.png') });

  await classroom();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(OUT, 'lessons-light.png') });

  await page.setViewportSize({ width: 1280, height: 720 });
  await open(9);
  await classroom();
  await run('Two threads');
  await page.screenshot({ path: join(OUT, 'lesson9-classroom.png') });
  await run('Two processes');
  await page.screenshot({ path: join(OUT, 'lesson9-processes.png') });

  // Step mode in lesson 2: held at its second lifecycle call, start(), the line highlighted.
  await classroom();
  await open(2);
  await classroom();
  await page.getByRole('checkbox', { name: /Step mode/ }).check();
  await page.keyboard.press('r');
  const paused = page.locator('[data-testid="code-line"][aria-current="step"]');
  await paused.waitFor();
  const first = await paused.getAttribute('data-line');
  await page.keyboard.press('n');
  await page
    .locator(`[data-testid="code-line"][aria-current="step"]:not([data-line="${first}"])`)
    .waitFor();
  await page.mouse.move(0, 0);
  await page.waitForTimeout(600);
  await page.screenshot({ path: join(OUT, 'lesson2-step.png') });
  await page.keyboard.press('c');
  await page.context().close();
}
