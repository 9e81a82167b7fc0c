// The Lessons screen through the real browser-mode server, the real lessons and real Python:
// lesson 6 run without and with join() by clicking, compared by wall time and on the Timeline;
// lesson 2 stepped through with the keyboard, one lifecycle call at a time.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// For its window.__procscopeTimeline declaration.
import type {} from '../../src-renderer/src/lib/timeline/hook';
import { cspViolations, launchBrowser, openPage, startServer, type RunningServer } from './harness';

/** How late the OS observer may date a child's exit after its parent saw it end. */
const OBSERVED_LATE_US = 50_000;

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function openLesson(number: number): Promise<Page> {
  const page = await openPage(browser, server.url);
  await page.getByRole('tab', { name: 'Lessons' }).click();
  await page
    .getByTestId('lesson-option')
    .nth(number - 1)
    .click();
  await page.getByText(`Lesson ${number} of 10`).waitFor();
  // Run is enabled once the Lab has found Python.
  await expect.poll(() => page.getByRole('button', { name: /^Run/ }).isEnabled()).toBe(true);
  return page;
}

const runState = (page: Page) => page.getByTestId('lesson-run-state');

/** Runs the chosen variation with the Run button and waits until that run has ended. */
async function runToEnd(page: Page): Promise<void> {
  const before = (await runState(page).count())
    ? await runState(page).getAttribute('data-run')
    : null;
  await page.getByRole('button', { name: /^Run/ }).click();
  await expect
    .poll(
      async () =>
        (await runState(page).getAttribute('data-run')) !== before &&
        (await runState(page).getAttribute('data-state')),
      { timeout: 20_000 },
    )
    .toBe('exited');
}

async function wallTime(page: Page, variation: string): Promise<{ us: number; text: string }> {
  const row = page.locator(`[data-testid="wall-time"][data-variation="${variation}"]`);
  await expect.poll(() => row.getAttribute('data-us'), { timeout: 10_000 }).toMatch(/^\d+$/);
  return {
    us: Number(await row.getAttribute('data-us')),
    text: (await row.getByTestId('wall-value').textContent())?.trim() ?? '',
  };
}

/** When the main script ended, and when the two children exited, from the Timeline's model. */
async function endings(page: Page): Promise<{ scriptEnd: number; childExits: number[] }> {
  return page.evaluate(() => {
    const hook = window.__procscopeTimeline;
    if (!hook?.ended) throw new Error('the Timeline has not seen the run end');
    const children = new Set(
      hook.lanes.filter((lane) => /^Process-\d$/.test(lane.name)).map((lane) => lane.id),
    );
    const scriptEnd = hook.markers.find((marker) => marker.kind === 'script-end');
    if (!scriptEnd) throw new Error('no script-end marker');
    return {
      scriptEnd: scriptEnd.t,
      childExits: hook.markers
        .filter((marker) => marker.kind === 'exit' && children.has(marker.lane))
        .map((marker) => marker.t),
    };
  });
}

describe('the Lessons screen, end to end', () => {
  it('lesson 6: without join() the script ends in milliseconds, with join() after the children', async () => {
    const page = await openLesson(6);

    await page.getByRole('radio', { name: 'Without join()' }).check();
    await runToEnd(page);
    const fast = await wallTime(page, 'no-join');
    expect(fast.us).toBeLessThan(500_000);
    expect(fast.text).toMatch(/^\d+ ms$/);
    const race = await endings(page);
    expect(race.childExits).toHaveLength(2);
    expect(race.scriptEnd).toBeLessThan(Math.min(...race.childExits));

    await page.getByRole('radio', { name: 'With join()' }).check();
    await runToEnd(page);
    const joined = await wallTime(page, 'join');
    expect(joined.us).toBeGreaterThanOrEqual(900_000);
    expect(joined.us).toBeLessThanOrEqual(2_000_000);
    expect(joined.text).toMatch(/^1\.\d\d s$/);
    const waited = await endings(page);
    expect(waited.childExits).toHaveLength(2);
    // The Timeline dates an exit when the OS observer saw it, which can be a moment after the
    // parent's join() returned (the parent reaps its child first); a millisecond or two late.
    expect(waited.scriptEnd).toBeGreaterThan(Math.max(...waited.childExits) - OBSERVED_LATE_US);

    // The first run's time is still on screen, for the class to compare.
    expect((await wallTime(page, 'no-join')).us).toBe(fast.us);
    const printed = await page.getByTestId('wall-times').textContent();
    expect(printed).toMatch(/Wall time: [\d.]+ ms/);
    expect(printed).toMatch(/Wall time: 1\.\d\d s/);
    const story = await page.getByTestId('narration').textContent();
    expect(story).toContain('MainProcess is waiting in join() for Process-1');
    expect(await cspViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('lesson 2: steps through every lifecycle call with N, the paused line highlighted', async () => {
    const page = await openLesson(2);
    await page.getByRole('checkbox', { name: /Step mode/ }).check();
    await page.keyboard.press('r');
    const code = page.getByTestId('code-line');
    const highlighted = page.locator('[data-testid="code-line"][aria-current="step"]');
    const banner = page.getByTestId('lesson-paused');
    const seen: number[] = [];
    for (let step = 0; step < 12; step++) {
      // Either the program pauses at its next call, or it has finished.
      await expect
        .poll(
          async () =>
            (await highlighted.count()) > 0 ||
            (await runState(page).getAttribute('data-state')) === 'exited',
          { timeout: 15_000 },
        )
        .toBe(true);
      if ((await highlighted.count()) === 0) break;
      const line = Number(await highlighted.first().getAttribute('data-line'));
      seen.push(line);
      // A lifecycle line, named the same in the banner, with the paused process on it.
      expect(await code.nth(line - 1).getAttribute('data-lifecycle')).toBeTruthy();
      expect(await banner.textContent()).toMatch(
        new RegExp(`Paused:\\s*MainProcess at .+ \\(line ${line}\\)`),
      );
      expect(await highlighted.first().getByTestId('paused-here').textContent()).toContain(
        'MainProcess paused',
      );
      await page.keyboard.press('n');
      await expect
        .poll(async () => {
          const now = await highlighted
            .first()
            .getAttribute('data-line', { timeout: 200 })
            .catch(() => null);
          return now !== String(line);
        })
        .toBe(true);
    }
    await expect
      .poll(() => runState(page).getAttribute('data-state'), { timeout: 15_000 })
      .toBe('exited');
    // is_alive() before start(), start(), is_alive(), join(), is_alive(): in program order.
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(await page.getByTestId('narration').textContent()).toContain(
      'Process-1 ended normally → exitcode 0',
    );
    await page.context().close();
  });
});
