// The System view's screenshots on their own (`npx tsx scripts/screenshots-system.ts` after
// `npm run build`): the README's pair, light and dark at 1280×800, and a 1280×720 classroom one
// with the column chooser open, to check the layout holds on a projector.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { launchBrowser, openPage, root, startServer } from '../test/e2e/harness';
import { SCREENSHOT_DEMO as DEMO } from './screenshot-demo';

const OUT = process.env.PROCSCOPE_SCREENSHOTS ?? join(root, 'docs', 'screenshots');

const demo = spawn('python3', ['-c', DEMO, 'procscope-screenshot-demo'], { stdio: 'ignore' });
const server = await startServer();
const browser = await launchBrowser();
try {
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
} finally {
  demo.kill('SIGKILL');
  await browser.close();
  await server.stop();
}
