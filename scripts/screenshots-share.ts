// Screenshots of the class share for the README: the Share dialog with its QR code, and a
// student's page following lesson 6, at 1280×800, light and dark. `npm run build` first.
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, root, startServer } from '../test/e2e/harness';

const out = join(root, 'docs', 'screenshots');

async function shoot(browser: Browser, url: string, scheme: 'light' | 'dark'): Promise<void> {
  const teacher = await openPage(browser, url, { colorScheme: scheme });
  await teacher.getByRole('tab', { name: 'Lessons' }).click();
  await teacher.getByTestId('lesson-option').nth(5).click();
  await teacher.getByRole('radio', { name: /With join\(\)/ }).check();
  await teacher.getByTestId('share-button').click();
  const dialog = teacher.getByTestId('share-dialog');
  await dialog.getByTestId('share-interface').selectOption('127.0.0.1');
  await dialog.getByRole('button', { name: 'Start sharing' }).click();
  const shareUrl = (await dialog.getByTestId('share-url').textContent())?.trim() ?? '';
  const viewers = await Promise.all(
    Array.from({ length: 3 }, () => openPage(browser, shareUrl, { colorScheme: scheme })),
  );
  await dialog.getByTestId('share-viewers').getByText('3').waitFor();
  await teacher.screenshot({ path: join(out, `share-dialog-${scheme}.png`) });
  await dialog.getByRole('button', { name: 'Close' }).click();

  await teacher.getByRole('button', { name: /^Run/ }).click();
  const viewer = viewers[0];
  if (!viewer) throw new Error('no viewer page');
  await viewer.getByTestId('lesson-run-state').waitFor();
  await viewer.locator('[data-testid="lesson-run-state"][data-state="exited"]').waitFor({
    timeout: 20_000,
  });
  await viewer.waitForTimeout(800);
  await viewer.screenshot({ path: join(out, `share-viewer-${scheme}.png`) });

  await teacher.getByTestId('share-button').click();
  await dialog.getByRole('button', { name: 'Stop sharing' }).click();
  for (const page of viewers) await page.context().close();
  await teacher.context().close();
}

const server = await startServer();
const browser = await launchBrowser();
try {
  for (const scheme of ['light', 'dark'] as const) await shoot(browser, server.url, scheme);
} finally {
  await browser.close();
  await server.stop();
}
