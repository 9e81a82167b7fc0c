// Screenshots for the README, taken from the real app in browser mode (`npm run screenshots`
// after `npm run build`). Each view is shot in the light and the dark theme.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, openPage, root, startServer } from '../test/e2e/harness';
import { SCREENSHOT_DEMO as DEMO } from './screenshot-demo';

const OUT = join(root, 'docs', 'screenshots');
/** `npm run screenshots -- --lessons`: only the Lessons screen's. */
const LESSONS_ONLY = process.argv.includes('--lessons');
/** `--system`: only the System view's. */
const SYSTEM_ONLY = process.argv.includes('--system');
/** `--lesson=9` (or `--lesson=1,9`): only these lessons' screenshots, as on a machine gone quiet. */
const PICKED = process.argv.flatMap((arg) =>
  arg.startsWith('--lesson=') ? arg.slice('--lesson='.length).split(',').map(Number) : [],
);
const picked = (lesson: number) => PICKED.length === 0 || PICKED.includes(lesson);

// The Lab runs the tutorial's join lesson: two children asleep for a second, joined by the parent.
const JOIN_LESSON = join(root, 'src-main', 'core', 'lessons', 'programs', '06_join.py');

const demo = spawn('python3', ['-c', DEMO, 'procscope-screenshot-demo'], { stdio: 'ignore' });
const server = await startServer();
const browser = await launchBrowser();
try {
  if (!LESSONS_ONLY && PICKED.length === 0) await systemScreenshots();
  if (!LESSONS_ONLY && !SYSTEM_ONLY && PICKED.length === 0) await viewScreenshots();
  if (!SYSTEM_ONLY) await lessonScreenshots();
} finally {
  demo.kill('SIGKILL');
  await browser.close();
  await server.stop();
}

/**
 * The System view: the README's pair, light and dark at 1280×800, with the demo's threads in the
 * details, and a 1280×720 classroom one with the column chooser open, to check the layout holds
 * on a projector.
 */
async function systemScreenshots(): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    const page = await openPage(browser, server.url, { colorScheme });
    await page.getByRole('tab', { name: 'System' }).click();
    const search = page.getByRole('searchbox', { name: 'Search processes' });
    await search.fill(String(demo.pid));
    await page.locator(`[role="row"][data-pid="${demo.pid}"]`).click();
    await search.fill('');
    await page.getByTestId('threads').locator('tbody tr').nth(3).waitFor();
    // Long enough for the header's and the details' histories to show a shape.
    await page.waitForTimeout(25_000);
    await page.locator(`[role="row"][data-pid="${demo.pid}"]`).focus();
    await page.screenshot({ path: join(OUT, `system-${colorScheme}.png`) });
    await page.context().close();
  }

  const page = await openPage(browser, server.url, { width: 1280, height: 720 });
  await page.keyboard.press('Control+Shift+P');
  await page.getByRole('tab', { name: 'System' }).click();
  await page.getByTestId('process-grid').waitFor();
  await page.waitForTimeout(4000);
  await page.getByRole('button', { name: 'Columns' }).click();
  for (const name of ['CPU time', 'Disk reads per second'])
    await page.getByRole('menuitemcheckbox', { name }).click();
  await page.screenshot({ path: join(OUT, 'system-classroom-columns.png') });
  await page.keyboard.press('Escape');
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(OUT, 'system-classroom.png') });
  await page.context().close();
}

async function viewScreenshots(): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    const page = await openPage(browser, server.url, { colorScheme });
    await page.getByTestId('process-count').waitFor();
    // Let a few ticks fill the sparklines.
    await page.waitForTimeout(4500);
    await page.screenshot({ path: join(OUT, `overview-${colorScheme}.png`) });

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
}

/**
 * The Lessons screen as a class sees it: classroom mode on a 1280×720 projector, in both themes —
 * lesson 1 (pids on the lanes), 3 (the arguments on the start markers), 5 (its three exit codes,
 * compared), 6 (without join() over with join()), 8 (counters of threads and processes in the
 * results, the Queue's values on its arrows) and 9 (the cores strip, threads and processes). Then
 * lesson 6 in the normal layout, and lesson 2 held in step mode.
 */
async function lessonScreenshots(): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    const page = await openPage(browser, server.url, { colorScheme, width: 1280, height: 720 });
    const lessons = lessonPage(page);
    await page.getByRole('tab', { name: 'Lessons' }).click();
    await page.keyboard.press('Control+Shift+P');
    const shoot = async (name: string) => {
      await page.mouse.move(0, 0);
      await page.waitForTimeout(400);
      await page.screenshot({ path: join(OUT, `${name}-${colorScheme}.png`) });
    };

    if (picked(1)) {
      await lessons.open(1);
      await lessons.run('Start one extra thread and one extra process');
      await shoot('lesson1');
    }

    if (picked(3)) {
      await lessons.open(3);
      await lessons.run('Three processes, three arguments');
      await shoot('lesson3');
    }

    if (picked(5)) {
      await lessons.open(5);
      for (const variation of ['terminate()', 'kill()', 'Controlled shutdown with an Event'])
        await lessons.run(variation);
      await lessons.compare();
      await shoot('lesson5-compare');
    }

    if (picked(6)) {
      await lessons.open(6);
      await lessons.run('Without join()');
      await lessons.run('With join()');
      await lessons.compare();
      await shoot('lesson6-compare');
    }

    if (picked(8)) {
      await lessons.open(8);
      for (const variation of ['Threads', 'Processes', 'Results back through a Queue'])
        await lessons.run(variation);
      await shoot('lesson8');
    }

    if (picked(9)) {
      await lessons.open(9);
      await lessons.run('Two threads');
      await shoot('lesson9-threads');
      await lessons.run('Two processes');
      await shoot('lesson9-processes');
    }
    await page.context().close();
  }

  if (PICKED.length > 0) return;
  const page = await openPage(browser, server.url, { width: 1280, height: 800 });
  const lessons = lessonPage(page);
  await page.getByRole('tab', { name: 'Lessons' }).click();
  await lessons.open(6);
  await lessons.run('With join()');
  await page.mouse.move(0, 0);
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(OUT, 'lessons-light.png') });

  // Step mode in lesson 2: held at its second lifecycle call, start(), the line highlighted.
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.keyboard.press('Control+Shift+P');
  await lessons.open(2);
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

/** What a teacher does on the Lessons screen, in either layout. */
function lessonPage(page: Page) {
  return {
    /** Goes to lesson `number` with the ‹ › buttons, which both layouts have. */
    async open(number: number): Promise<void> {
      for (let i = 0; i < 10; i++) {
        const heading = await page.getByText(/^Lesson \d+ of 10$/).textContent();
        const at = Number(/\d+/.exec(heading ?? '')?.[0]);
        if (at === number) return;
        await page
          .getByRole('button', { name: at < number ? 'Next lesson' : 'Previous lesson' })
          .click();
      }
      throw new Error(`could not open lesson ${number}`);
    },
    /** Runs a "Try this" variation and waits for that run (not the one before) to end. */
    async run(variation: string): Promise<void> {
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
      // Its row in the results, once its log has been read.
      await page.locator('[data-testid="result"].current').waitFor();
    },
    /** Every variation run so far, stacked on one Timeline. */
    async compare(): Promise<void> {
      await page.getByRole('tab', { name: 'Results', exact: true }).click();
      await page.getByRole('checkbox', { name: 'Compare on the Timeline' }).check();
    },
  };
}
