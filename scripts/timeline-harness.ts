// The Timeline alone on a page, in headless Chromium: built from test/fixtures/timeline/harness
// with Vite into a temporary folder and served to the browser through Playwright's routing (no
// server, no port). Shared by scripts/bench-timeline.ts and scripts/screenshots-timeline.ts.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, relative, resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../test/e2e/harness';
import { build } from 'vite';
import type { LabEvent } from '../src-main/common/lab';

export const root = resolve(import.meta.dirname, '..');
const SOURCE = join(root, 'test', 'fixtures', 'timeline', 'harness');
const ORIGIN = 'http://timeline.harness';
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

/**
 * What test/fixtures/timeline/harness/main.js puts on window. The functions passed to
 * page.evaluate run in the page, serialised: they reach it through globalThis, not a closure.
 */
interface HarnessWindow {
  __mountTimeline(props: TimelineProps): void;
  __nextFrames(): Promise<void>;
  __benchPanZoom(duration: number): Promise<{ intervals: number[]; draws: number[] }>;
}

export interface TimelineProps {
  events?: LabEvent[];
  /** Runs stacked to compare, in place of `events`. */
  runs?: { key: string; title: string; events: LabEvent[]; figure?: string }[];
  live?: boolean;
  replay?: boolean;
  cursor?: number;
  title?: string;
}

export interface Harness {
  browser: Browser;
  open(options: {
    colorScheme: 'light' | 'dark';
    width?: number;
    height?: number;
    /** The app's classroom mode: large type (scale 1.4), darker greys. */
    classroom?: boolean;
  }): Promise<Page>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const outDir = mkdtempSync(join(tmpdir(), 'procscope-timeline-'));
  await build({
    root: SOURCE,
    base: './',
    configFile: false,
    logLevel: 'warn',
    plugins: [svelte({ configFile: join(root, 'svelte.config.js') })],
    resolve: { alias: { $common: join(root, 'src-main', 'common') } },
    build: { outDir, emptyOutDir: true },
  });
  // As test/e2e/harness.ts launches it (that module needs DOM types this project lacks).
  const browser = await launchBrowser();
  return {
    browser,
    async open({ colorScheme, width = 1280, height = 800, classroom = false }) {
      const context = await browser.newContext({ colorScheme, viewport: { width, height } });
      await context.route(`${ORIGIN}/**`, async (route) => {
        const path = new URL(route.request().url()).pathname;
        const file = resolve(outDir, `.${path === '/' ? '/index.html' : path}`);
        if (relative(outDir, file).startsWith('..')) return route.fulfill({ status: 403 });
        try {
          await route.fulfill({
            body: readFileSync(file),
            contentType: TYPES[extname(file)] ?? 'application/octet-stream',
          });
        } catch {
          await route.fulfill({ status: 404 });
        }
      });
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
      await page.goto(`${ORIGIN}/`);
      if (classroom)
        await page.evaluate(() => {
          document.documentElement.classList.add('classroom');
          document.documentElement.style.setProperty('--scale', '1.4');
        });
      await page.waitForFunction(
        () => typeof (globalThis as unknown as HarnessWindow).__mountTimeline === 'function',
      );
      return page;
    },
    async close() {
      await browser.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

export async function mountTimeline(page: Page, props: TimelineProps): Promise<void> {
  await page.evaluate((p) => (globalThis as unknown as HarnessWindow).__mountTimeline(p), props);
  await page.evaluate(() => (globalThis as unknown as HarnessWindow).__nextFrames());
}

export function benchPanZoom(
  page: Page,
  duration: number,
): Promise<{ intervals: number[]; draws: number[] }> {
  return page.evaluate(
    (ms) => (globalThis as unknown as HarnessWindow).__benchPanZoom(ms),
    duration,
  );
}

export function loadFixture(name: string): LabEvent[] {
  return JSON.parse(
    readFileSync(join(root, 'test', 'fixtures', 'timeline', `${name}.json`), 'utf8'),
  ) as LabEvent[];
}
