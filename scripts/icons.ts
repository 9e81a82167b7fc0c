// Renders build/icon.svg to the 1024 px PNG electron-builder derives every platform icon from.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, root } from '../test/e2e/harness';

const svg = readFileSync(join(root, 'build', 'icon.svg'), 'utf8');
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1024, height: 1024 } });
  await page.setContent(
    `<body style="margin:0;background:transparent">${svg.replace('<svg ', '<svg width="1024" height="1024" ')}</body>`,
  );
  await page.screenshot({ path: join(root, 'build', 'icon.png'), omitBackground: true });
} finally {
  await browser.close();
}
