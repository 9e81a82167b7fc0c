// `npm start`: build when sources are newer than the bundle, then open the Electron app — or, where
// its runtime cannot start here, say why in one line and serve the same app in browser mode.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const BUNDLES = [
  'out/main/electron.js',
  'out/main/server.js',
  'out/preload/preload.cjs',
  'out/renderer/index.html',
];
const SOURCES = ['src-main', 'src-renderer', 'electron.config.ts', 'package.json'];

function newestMtime(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return readdirSync(path).reduce(
    (newest, name) =>
      name === '__pycache__' ? newest : Math.max(newest, newestMtime(join(path, name))),
    info.mtimeMs,
  );
}

export function needsBuild(base: string): boolean {
  const bundles = BUNDLES.map((file) => join(base, file));
  if (!bundles.every((file) => existsSync(file))) return true;
  const built = Math.min(...bundles.map((file) => statSync(file).mtimeMs));
  return SOURCES.some(
    (source) => existsSync(join(base, source)) && newestMtime(join(base, source)) > built,
  );
}

export type ElectronProbe = { ok: true; binary: string } | { ok: false; reason: string };

/** Where the Electron runtime is, or why it cannot run here; downloads it once if missing. */
export function probeElectron(
  base: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
): ElectronProbe {
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'no display is available' };
  }
  const packageDir = join(base, 'node_modules', 'electron');
  if (!existsSync(packageDir))
    return { ok: false, reason: 'the electron package is not installed' };
  const located = () => {
    const pathFile = join(packageDir, 'path.txt');
    if (!existsSync(pathFile)) return undefined;
    const binary = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(binary) ? binary : undefined;
  };
  const present = located();
  if (present) return { ok: true, binary: present };
  // Electron fetches its runtime on first use; offline that fails within a second or two.
  const install = spawnSync(process.execPath, [join(packageDir, 'install.js')], {
    cwd: packageDir,
    stdio: 'ignore',
    timeout: 120_000,
  });
  const installed = install.status === 0 ? located() : undefined;
  return installed
    ? { ok: true, binary: installed }
    : { ok: false, reason: 'the Electron runtime could not be downloaded' };
}

/** After a signal is passed on, how long the child may take before it is killed. */
const CHILD_STOP_DEADLINE_MS = 20_000;
/** How often to look whether whoever started us (npm's shell) is still there. */
const PARENT_CHECK_MS = 500;

/**
 * Runs the child with our terminal and ends with it: SIGINT, SIGTERM and SIGHUP are passed on.
 * npm starts us through `sh -c`, which does not pass its signals on — SIGTERM to npm ends the
 * shell and leaves us running — so being orphaned counts as a SIGTERM too.
 */
function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    const parent = process.ppid;
    let deadline: NodeJS.Timeout | undefined;
    const forward = (signal: NodeJS.Signals) => {
      child.kill(signal);
      deadline ??= setTimeout(() => child.kill('SIGKILL'), CHILD_STOP_DEADLINE_MS);
    };
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    for (const signal of signals) process.on(signal, forward);
    const orphaned = setInterval(() => {
      if (process.ppid !== parent) forward('SIGTERM');
    }, PARENT_CHECK_MS);
    const done = (code: number) => {
      clearInterval(orphaned);
      clearTimeout(deadline);
      for (const signal of signals) process.off(signal, forward);
      resolve(code);
    };
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
    child.on('error', (error) => {
      console.error(`Could not run ${command}: ${error.message}`);
      done(1);
    });
  });
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const webOnly = args.includes('--web');
  const passThrough = args.filter((arg) => arg !== '--web');

  if (needsBuild(root)) {
    console.log('Building Procscope…');
    const built = await run(process.execPath, [
      join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
      'build',
      '--config',
      'electron.config.ts',
    ]);
    if (built !== 0) return built;
  }

  if (!webOnly) {
    const electron = probeElectron(root, process.env, process.platform);
    if (electron.ok) return run(electron.binary, ['.', ...passThrough]);
    console.log(
      `Electron cannot start here (${electron.reason}); serving Procscope in browser mode instead.`,
    );
  }
  return run(process.execPath, [join(root, 'out', 'main', 'server.js'), ...passThrough]);
}

if (process.argv[1] === import.meta.filename) {
  main().then((code) => process.exit(code));
}
