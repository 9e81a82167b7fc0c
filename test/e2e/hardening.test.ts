// Browser mode at the edges: an IPv6 loopback address; saving a recording twice, downloading it
// and replaying the download, as a person would.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { decodeRecording } from '../../src-main/core/recording/format';
import { cspViolations, launchBrowser, openPage, startServer, type RunningServer } from './harness';

let browser: Browser;
const servers: RunningServer[] = [];
const dir = mkdtempSync(join(tmpdir(), 'procscope-hardening-e2e-'));
const script = join(dir, 'nap.py');
writeFileSync(
  script,
  `import time
from multiprocessing import Process

if __name__ == "__main__":
    child = Process(target=time.sleep, args=(0.2,))
    child.start()
    child.join()
    print("done", flush=True)
`,
);

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((server) => server.stop()));
});

describe('browser mode at the edges', () => {
  it('runs the whole app at an IPv6 loopback address (--host ::1)', async () => {
    const server = await startServer(['--host', '::1']);
    servers.push(server);
    expect(server.url).toContain('http://[::1]:');
    const page = await openPage(browser, server.url);
    await page.getByTestId('process-count').waitFor();
    await expect.poll(async () => page.getByRole('status').first().textContent()).toContain('Live');
    expect(await cspViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('saves a run, asks before replacing it, downloads it with Save as…, and replays the download', async () => {
    const server = await startServer();
    servers.push(server);
    const page = await openPage(browser, server.url);
    await page.getByRole('tab', { name: 'Lab' }).click();
    await page.getByTestId('interpreter').getByText('Python 3').waitFor();
    await page.getByLabel('Script', { exact: true }).fill(script);
    await page.getByRole('button', { name: /Run/ }).click();
    const header = page.getByTestId('run-header');
    await header.getByRole('heading', { name: 'nap.py' }).waitFor();
    await expect.poll(() => header.getByRole('button', { name: 'Stop' }).isDisabled()).toBe(true);

    const notice = page.getByTestId('lab-notice');
    await header.getByRole('button', { name: 'Save recording' }).click();
    await expect
      .poll(() => notice.textContent())
      .toMatch(/Recording saved to .*nap\.py-.*\.procscope/);
    const savedPath = /saved to (\S+\.procscope)/.exec((await notice.textContent()) ?? '')?.[1];
    const first = readFileSync(savedPath ?? '');

    // The same run again: it would land on the same file, so the app asks; Escape keeps it.
    await header.getByRole('button', { name: 'Save recording' }).click();
    const dialog = page.getByRole('dialog', { name: 'Replace the saved recording?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`${savedPath} already exists.`);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(readFileSync(savedPath ?? '').equals(first)).toBe(true);
    await header.getByRole('button', { name: 'Save recording' }).click();
    await dialog.getByRole('button', { name: 'Replace' }).click();
    await expect.poll(() => notice.textContent()).toContain(`Recording saved to ${savedPath}`);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      header.getByRole('link', { name: 'Save as…' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^nap\.py-.*\.procscope$/);
    const downloaded = join(dir, download.suggestedFilename());
    await download.saveAs(downloaded);
    const recording = await decodeRecording(readFileSync(downloaded), downloaded);
    expect(recording.summary.title).toBe('nap.py');
    expect(recording.events.some((event) => event.kind === 'mp.exit')).toBe(true);

    await page.getByRole('button', { name: 'Open recording…' }).click();
    await page.getByLabel('Path of a recording file').fill(downloaded);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await header.getByRole('heading', { name: 'nap.py (recording)' }).waitFor();
    await page.getByTestId('process-row').first().waitFor();
    expect(await cspViolations(page)).toEqual([]);
    await page.context().close();
  });
});
