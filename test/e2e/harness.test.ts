// The console guard itself: a page that warns, errors or throws must be caught, and a message a
// test declared it expects must not be.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, takeConsoleProblems, useServerAndBrowser } from './harness';

const e2e = useServerAndBrowser();

async function provoke(page: Page, script: string): Promise<void> {
  await page.evaluate(script);
  // Console events reach Node asynchronously; a round trip through the page flushes them.
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
}

describe('the e2e console guard', () => {
  it('collects warnings, errors and uncaught exceptions from every page it opens', async () => {
    const page = await openPage(e2e.browser, e2e.server.url);
    await provoke(page, `console.warn('guard-warning')`);
    await provoke(page, `console.error('guard-error')`);
    await provoke(page, `setTimeout(() => { throw new Error('guard-throw') })`);
    // A page a test makes itself, without openPage, is watched too.
    const other = await e2e.browser.newPage();
    await provoke(other, `console.warn('guard-other-page')`);

    const seen = takeConsoleProblems();
    expect(seen.map((problem) => problem.kind)).toEqual([
      'warning',
      'error',
      'pageerror',
      'warning',
    ]);
    expect(seen.map((problem) => problem.text).join('\n')).toMatch(
      /guard-warning[\s\S]*guard-error[\s\S]*guard-throw[\s\S]*guard-other-page/,
    );
    await page.context().close();
    await other.context().close();
  });

  it('lets through only the messages a test declared', async () => {
    const page = await openPage(e2e.browser, e2e.server.url, { expectConsole: [/^declared-/] });
    await provoke(page, `console.error('declared-and-expected')`);
    await provoke(page, `console.error('not declared')`);
    expect(takeConsoleProblems().map((problem) => problem.text)).toEqual([
      expect.stringContaining('not declared'),
    ]);
    await page.context().close();
  });
});
