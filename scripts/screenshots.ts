// Screenshots for the README, taken from the real app in browser mode (`npm run screenshots`
// after `npm run build`). Each view is shot in the light and the dark theme.
import { join } from 'node:path';
import { launchBrowser, openPage, root, startServer } from '../test/e2e/harness';

const OUT = join(root, 'docs', 'screenshots');

const server = await startServer();
const browser = await launchBrowser();
try {
  for (const colorScheme of ['light', 'dark'] as const) {
    const page = await openPage(browser, server.url, { colorScheme });
    await page.getByTestId('process-count').waitFor();
    // Let a few ticks fill the sparklines.
    await page.waitForTimeout(4500);
    await page.screenshot({ path: join(OUT, `overview-${colorScheme}.png`) });
    await page.context().close();
  }
} finally {
  await browser.close();
  await server.stop();
}
