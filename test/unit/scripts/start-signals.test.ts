// `npm start` / `npm run web` run scripts/start.ts, which runs the server: a signal to start.ts
// must reach the server, and start.ts must end with it, never leaving it running orphaned.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLive } from '../lab/helpers/lab';

const repo = join(import.meta.dirname, '..', '..', '..');

// A stand-in for the built server: says where it serves, writes down the signal it got, and
// exits with a code of its own a moment later (a real server first stops its runs).
const FAKE_SERVER = `
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    writeFileSync(join(import.meta.dirname, 'received'), signal);
    setTimeout(() => process.exit(3), 200);
  });
}
writeFileSync(join(import.meta.dirname, 'pid'), String(process.pid));
console.log('Procscope is serving at http://127.0.0.1:1/?token=t');
setInterval(() => undefined, 1000);
`;

/**
 * A checkout whose bundles are built and newer than everything, so start.ts will not build,
 * with the real package.json's start and web scripts.
 */
function checkout(): string {
  const base = mkdtempSync(join(tmpdir(), 'procscope-start-signals-'));
  const { scripts } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  writeFileSync(
    join(base, 'package.json'),
    JSON.stringify({ name: 'signals', private: true, type: 'module', scripts }),
  );
  symlinkSync(join(repo, 'node_modules'), join(base, 'node_modules'));
  mkdirSync(join(base, 'scripts'));
  copyFileSync(join(repo, 'scripts', 'start.ts'), join(base, 'scripts', 'start.ts'));
  const bundles = ['out/main/electron.js', 'out/preload/preload.cjs', 'out/renderer/index.html'];
  for (const file of [...bundles, 'out/main/server.js']) {
    mkdirSync(dirname(join(base, file)), { recursive: true });
    writeFileSync(join(base, file), file.endsWith('server.js') ? FAKE_SERVER : '');
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(base, file), later, later);
  }
  return base;
}

/** Starts `command` in the checkout; resolves once the (fake) server says it serves. */
async function launch(base: string, command: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(command, args, { cwd: base, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('serving at')) resolve();
    });
    child.once('exit', () => reject(new Error(`${command} exited early:\n${output}`)));
  });
  return child;
}

function waitForExit(child: ChildProcess, ms: number): Promise<number | null | 'still running'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('still running'), ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe.runIf(process.platform !== 'win32')('npm start and npm run web', () => {
  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)(
    'start.ts passes %s to the server and exits with it',
    async (signal) => {
      const base = checkout();
      const start = await launch(base, process.execPath, [
        '--import',
        'tsx',
        join(base, 'scripts', 'start.ts'),
        '--web',
        '--no-open',
      ]);
      const server = Number(readFileSync(join(base, 'out/main/pid'), 'utf8'));
      try {
        start.kill(signal);
        // The server's own exit code, passed on.
        expect(await waitForExit(start, 10_000)).toBe(3);
        expect(readFileSync(join(base, 'out/main/received'), 'utf8')).toBe(signal);
        expect(isLive(server)).toBe(false);
      } finally {
        start.kill('SIGKILL');
        if (isLive(server)) process.kill(server, 'SIGKILL');
      }
    },
  );

  it('SIGTERM to npm run web ends the server, though npm’s shell passes no signal on', async () => {
    const base = checkout();
    const npm = await launch(base, 'npm', ['run', '--silent', 'web', '--', '--no-open']);
    const server = Number(readFileSync(join(base, 'out/main/pid'), 'utf8'));
    try {
      npm.kill('SIGTERM');
      await waitForExit(npm, 10_000);
      const deadline = Date.now() + 5_000;
      while (isLive(server) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(isLive(server)).toBe(false);
      expect(readFileSync(join(base, 'out/main/received'), 'utf8')).toBe('SIGTERM');
    } finally {
      npm.kill('SIGKILL');
      if (isLive(server)) process.kill(server, 'SIGKILL');
    }
  });
});
