// Browser mode: the same backend and the same UI, served to a browser over a WebSocket. Used where
// the Electron runtime is unavailable, for end-to-end tests, and for following along in a browser.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkoutResources } from './core/resources';
import { createBackend } from './core/service';
import { startViewerServer } from './transport/viewer-server';
import { startWebServer } from './transport/web-server';

/** Longest a stop may take: the Lab's own stop deadline (~7 s) and some. */
const SHUTDOWN_DEADLINE_MS = 15_000;

const USAGE = 'Usage: procscope-web [--port N] [--host ADDRESS] [--no-open]';

export interface ServerArgs {
  port: number;
  host: string;
  open: boolean;
}

export function parseServerArgs(argv: string[]): ServerArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      'no-open': { type: 'boolean', default: false },
      open: { type: 'boolean', default: true },
    },
    strict: true,
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`--port must be a number from 0 to 65535, not "${values.port}".`);
  }
  return { port, host: values.host, open: values.open && !values['no-open'] };
}

function openInBrowser(url: string): void {
  const hasDisplay =
    process.platform !== 'linux' || Boolean(process.env.DISPLAY ?? process.env.WAYLAND_DISPLAY);
  if (!hasDisplay) return;
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
        : ['xdg-open', [url]];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}

/** The checkout this runs from: out/main/server.js when built, src-main/server.ts from source. */
function findAppRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

async function main(): Promise<void> {
  let args: ServerArgs;
  try {
    args = parseServerArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const appRoot = findAppRoot(import.meta.dirname);
  const version = (
    JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as { version: string }
  ).version;
  const staticDir = join(appRoot, 'out', 'renderer');
  const backend = createBackend({
    version,
    ...checkoutResources(appRoot),
    dataDir: process.env.PROCSCOPE_DATA_DIR ?? join(homedir(), '.procscope'),
    openViewerListener: (listener) => startViewerServer({ ...listener, staticDir }),
  });
  const server = await startWebServer({
    backend,
    staticDir,
    host: args.host,
    port: args.port,
  }).catch((error: unknown) => {
    void backend.dispose();
    throw error;
  });
  console.log(`Procscope is serving at ${server.url}`);
  if (!server.loopback) {
    console.error(
      `Warning: ${args.host} can be reached from other machines, over plain HTTP. The address ` +
        'above is a password: whoever has it, or sees it on the network, can run programs as you.',
    );
  }
  if (args.open) openInBrowser(server.url);

  // Stopping ends the Lab's runs first (bounded: the supervisor kills what does not stop in
  // time); the deadline is for anything else that might hang, so a signal always ends us.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS).unref();
    void Promise.all([server.close(), backend.dispose()]).finally(() => process.exit(0));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);
}

main().catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  console.error(
    code === 'EADDRINUSE'
      ? 'Procscope could not start: that port is already in use. Pick another with --port.'
      : `Procscope could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
});
