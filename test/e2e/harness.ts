// Starts the real browser-mode server (the built bundle, the real backend) and a headless
// Chromium to drive it — the same way a user without Electron runs Procscope.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type ConsoleMessage,
  type Page,
} from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
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

/** The server and the browser a test file shares, once its beforeAll has run. */
export interface E2e {
  readonly server: RunningServer;
  readonly browser: Browser;
}

/**
 * One browser-mode server and one Chromium for the test file that calls this (at its top level):
 * started before its first test, closed after its last.
 */
export function useServerAndBrowser(extraArgs: string[] = []): E2e {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startServer(extraArgs);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the ${what} is not started yet (beforeAll)`);
    return value;
  };
  return {
    get server() {
      return started(server, 'server');
    },
    get browser() {
      return started(browser, 'browser');
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
  // Every context made through this browser, by the harness or by a test, watches its pages'
  // consoles: a warning nobody looked for is a failure, not noise.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args) => watchContext(await newContext(...args));
  browser.newPage = async (...args) => {
    const context = await browser.newContext(...args);
    return context.newPage();
  };
  return browser;
}

/** A console warning or error, or an uncaught exception, seen on a page the harness opened. */
export interface ConsoleProblem {
  page: string;
  kind: 'warning' | 'error' | 'pageerror';
  text: string;
}

// Bounded: a page stuck in a warning loop must fail the test, not fill the test runner's memory.
const MAX_PROBLEMS = 50;
const problems: ConsoleProblem[] = [];
const expected = new WeakMap<Page, RegExp[]>();

function record(page: Page, kind: ConsoleProblem['kind'], text: string): void {
  if (expected.get(page)?.some((pattern) => pattern.test(text))) return;
  if (problems.length < MAX_PROBLEMS) problems.push({ page: page.url(), kind, text });
}

function watchPage(page: Page): void {
  page.on('console', (message: ConsoleMessage) => {
    const type = message.type();
    if (type === 'warning' || type === 'error') record(page, type, describe(message));
  });
  page.on('pageerror', (error) => record(page, 'pageerror', error.stack ?? String(error)));
}

function describe(message: ConsoleMessage): string {
  const { url, lineNumber } = message.location();
  return url ? `${message.text()} (${url}:${lineNumber})` : message.text();
}

function watchContext(context: BrowserContext): BrowserContext {
  for (const page of context.pages()) watchPage(page);
  context.on('page', watchPage);
  return context;
}

/**
 * Declares a console message a test provokes on purpose (a refused token makes the browser log
 * the failed WebSocket). Only messages matching `pattern` on this page are let through.
 */
export function expectConsoleMessage(page: Page, pattern: RegExp): void {
  expected.set(page, [...(expected.get(page) ?? []), pattern]);
}

/** Everything seen since the last call, and forgets it. */
export function takeConsoleProblems(): ConsoleProblem[] {
  return problems.splice(0);
}

/** Throws, listing them, if any page showed a console warning or error since the last check. */
export function assertNoConsoleProblems(): void {
  const seen = takeConsoleProblems();
  if (seen.length === 0) return;
  const lines = seen.map((problem) => `  [${problem.kind}] ${problem.text}  — on ${problem.page}`);
  const more = seen.length >= MAX_PROBLEMS ? `\n  (only the first ${MAX_PROBLEMS} are listed)` : '';
  throw new Error(`The page logged ${seen.length} console problem(s):\n${lines.join('\n')}${more}`);
}

export async function openPage(
  browser: Browser,
  url: string,
  options: {
    colorScheme?: 'light' | 'dark';
    width?: number;
    height?: number;
    /** Console messages this page is expected to log (see expectConsoleMessage). */
    expectConsole?: RegExp[];
  } = {},
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
  for (const pattern of options.expectConsole ?? []) expectConsoleMessage(page, pattern);
  await page.goto(url);
  return page;
}

export function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
}
