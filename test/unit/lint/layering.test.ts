import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root });

async function layeringErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'procscope/layering')
    .map((m) => m.message);
}

describe('import layering', () => {
  it.each([
    ['src-main/core/x.ts', "import { app } from 'electron';\nexport const a = app;"],
    [
      'src-main/core/x.ts',
      "import { serveOverIpc } from '../transport/ipc';\nexport const a = serveOverIpc;",
    ],
    [
      'src-main/common/x.ts',
      "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;",
    ],
    [
      'src-main/common/x.ts',
      "import { createBackend } from '../core/service';\nexport const a = createBackend;",
    ],
    ['src-main/transport/x.ts', "import { app } from 'electron/main';\nexport const a = app;"],
    ['src-main/preload/x.ts', "import { readFileSync } from 'fs';\nexport const a = readFileSync;"],
    [
      'src-renderer/src/x.ts',
      "import { createBackend } from '../../src-main/core/service';\nexport const a = createBackend;",
    ],
    [
      'src-renderer/src/x.ts',
      "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;",
    ],
    [
      'src-renderer/src/x.ts',
      "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;",
    ],
    ['src-renderer/src/x.ts', "export const load = () => import('../../src-main/transport/rpc');"],
  ])('rejects %s importing across a boundary (%#)', async (file, code) => {
    expect(await layeringErrors(file, code)).toHaveLength(1);
  });

  it.each([
    [
      'src-main/core/x.ts',
      "import { ProcscopeError } from '../common/errors';\nexport const a = ProcscopeError;",
    ],
    ['src-main/electron/x.ts', "import { app } from 'electron';\nexport const a = app;"],
    [
      'src-renderer/src/x.ts',
      "import type { SystemTick } from '$common/system';\nexport type A = SystemTick;",
    ],
    ['src-renderer/src/x.ts', "import { mount } from 'svelte';\nexport const a = mount;"],
  ])('allows %s importing within the rules (%#)', async (file, code) => {
    expect(await layeringErrors(file, code)).toEqual([]);
  });
});
