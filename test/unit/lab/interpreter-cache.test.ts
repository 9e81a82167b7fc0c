// What the CLI remembers between runs about an interpreter, and when it must look again.

import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PythonCache } from '../../../src-main/core/lab/interpreter';

const dir = mkdtempSync(path.join(tmpdir(), 'procscope-python-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PythonCache', () => {
  const interpreter = path.join(dir, 'python3');
  writeFileSync(interpreter, '');

  it('gives back what another process stored, for the same command', () => {
    const file = path.join(dir, 'pythons.json');
    new PythonCache(file).set('python3', { path: interpreter, version: '3.11.2' });
    const later = new PythonCache(file);
    expect(later.get('python3')).toEqual({ path: interpreter, version: '3.11.2' });
    expect(later.get('python3.12')).toBeUndefined();
  });

  it('forgets an interpreter that changed or vanished since', () => {
    const file = path.join(dir, 'changed.json');
    new PythonCache(file).set('', { path: interpreter, version: '3.11.2' });
    utimesSync(interpreter, new Date(), new Date(Date.now() + 5_000));
    expect(new PythonCache(file).get('')).toBeUndefined();
    const gone = path.join(dir, 'gone.json');
    const missing = path.join(dir, 'python-missing');
    writeFileSync(missing, '');
    new PythonCache(gone).set('', { path: missing, version: '3.12.0' });
    rmSync(missing);
    expect(new PythonCache(gone).get('')).toBeUndefined();
  });

  it('treats a broken cache file as empty, and replaces it', () => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{not json');
    const cache = new PythonCache(file);
    expect(cache.get('python3')).toBeUndefined();
    cache.set('python3', { path: interpreter, version: '3.11.2' });
    expect(new PythonCache(file).get('python3')).toEqual({ path: interpreter, version: '3.11.2' });
  });
});
