// Starts the real browser-mode server (the built bundle, the real backend) and a headless
// Chromium to drive it — the same way a user without Electron runs Procscope.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  root,
  startServer as startServerProcess,
  type RunningServer,
} from '../unit/helpers/server';

export { root };
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export type { RunningServer };

/** The built bundle, as `npm run web` runs it. */
export function startServer(extraArgs: string[] = []): Promise<RunningServer> {
  if (!existsSync(join(root, 'out', 'main', 'server.js'))) {
    throw new Error('Build first: npm run build (out/main/server.js is missing).');
  }
  return startServerProcess({ from: 'bundle', args: extraArgs });
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
}

export async function openPage(
  browser: Browser,
  url: string,
  options: { colorScheme?: 'light' | 'dark'; width?: number; height?: number } = {},
): Promise<Page> {
  const context = await browser.newContext({
    colorScheme: options.colorScheme ?? 'light',
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
  });
  // Record CSP violations from the very first byte, so a test can prove the strict policy held.
  await context.addInitScript(() => {
    const seen: string[] = [];
    Object.defineProperty(window, '__cspViolations', { value: seen });
    document.addEventListener('securitypolicyviolation', (event) =>
      seen.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`),
    );
  });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

export function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
}
