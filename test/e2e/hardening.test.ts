// Browser mode at the edges: an IPv6 loopback address, and a connection limit a user can hit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { cspViolations, launchBrowser, openPage, startServer, type RunningServer } from './harness';

let browser: Browser;
const servers: RunningServer[] = [];

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
});
