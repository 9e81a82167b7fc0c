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
} finally {
  demo.kill('SIGKILL');
  await browser.close();
  await server.stop();
}
