import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { needsBuild, probeElectron } from '../../../scripts/start';

function tree(files: Record<string, string>): string {
  const base = mkdtempSync(join(tmpdir(), 'procscope-start-'));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(base, file)), { recursive: true });
    writeFileSync(join(base, file), content);
  }
  return base;
}

const BUNDLES = {
  'out/main/electron.js': '',
  'out/main/server.js': '',
  'out/preload/preload.cjs': '',
  'out/renderer/index.html': '',
};

describe('npm start', () => {
  it('builds when a bundle is missing or a source is newer than the bundle', () => {
    const base = tree({ ...BUNDLES, 'src-main/core/x.ts': '' });
    // Folders count too (a deleted source changes its folder), so date the bundles after all.
    const built = new Date(Date.now() + 30_000);
    for (const bundle of Object.keys(BUNDLES)) utimesSync(join(base, bundle), built, built);
    expect(needsBuild(base)).toBe(false);
    const future = new Date(Date.now() + 60_000);
    utimesSync(join(base, 'src-main/core/x.ts'), future, future);
    expect(needsBuild(base)).toBe(true);
    expect(needsBuild(tree({ 'src-main/core/x.ts': '' }))).toBe(true);
  });

  it('falls back with a reason when there is no display on Linux', () => {
    expect(probeElectron(tree({}), {}, 'linux')).toEqual({
      ok: false,
      reason: 'no display is available',
    });
  });

  it('falls back when the runtime cannot be fetched', () => {
    const base = tree({
      // An install script that fails the way an offline download does.
      'node_modules/electron/install.js': 'process.exit(1)',
    });
    expect(probeElectron(base, { DISPLAY: ':0' }, 'linux')).toEqual({
      ok: false,
      reason: 'the Electron runtime could not be downloaded',
    });
  });

  it('launches the runtime that is already there', () => {
    const base = tree({
      'node_modules/electron/path.txt': 'electron',
      'node_modules/electron/dist/electron': '',
    });
    expect(probeElectron(base, {}, 'darwin')).toEqual({
      ok: true,
      binary: join(base, 'node_modules/electron/dist/electron'),
    });
  });
});
