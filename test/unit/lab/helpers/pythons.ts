// The interpreters a test can run against: pyenv's layout on this machine, or
// PROCSCOPE_TEST_PYTHONS="/path/to/python3.8 ..." elsewhere. Never hard-codes a patch version.

import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** An interpreter of version `minor` ("3.8", "3.13"), or undefined when there is none here. */
export function interpreter(minor: string): string | undefined {
  const listed = (process.env.PROCSCOPE_TEST_PYTHONS ?? '').split(/\s+/).filter(Boolean);
  const found = listed.find((file) => path.basename(file).startsWith(`python${minor}`));
  if (found) return found;
  const versions = path.join(homedir(), '.pyenv', 'versions');
  const dir = existsSync(versions)
    ? readdirSync(versions).find((name) => name.startsWith(`${minor}.`))
    : undefined;
  const python =
    dir && path.join(versions, dir, 'bin', minor.startsWith('2') ? 'python' : 'python3');
  return python && existsSync(python) ? python : undefined;
}

/** The oldest supported, the default and the newest interpreter, those of them present. */
export function testedPythons(): Array<{ minor: string; python: string }> {
  return ['3.8', '3.11', '3.13'].flatMap((minor) => {
    const python = interpreter(minor);
    return python ? [{ minor, python }] : [];
  });
}
