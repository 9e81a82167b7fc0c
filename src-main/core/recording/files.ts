// Files the backend opens or writes on a client's word. Whatever the path names, reading must not
// block (a FIFO waits for a writer, holding one of libuv's four pool threads until one comes;
// four such opens and every file operation of the backend stops) and writing must not replace
// what the user did not agree to replace.
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { constants, createWriteStream } from 'node:fs';
import { copyFile, link, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ProcscopeError } from '../../common/errors';

/** 'create' refuses to replace an existing file; 'replace' was confirmed by the user. */
export type WriteMode = 'create' | 'replace';

/** Opens a regular file for reading; anything else is refused without being opened for read. */
export async function openRegularFile(file: string): Promise<FileHandle> {
  // stat has no side effects; opening a device can have some.
  const info = await stat(file).catch((error: unknown) => {
    throw fileError(file, error, 'read');
  });
  refuseUnlessFile(file, info);
  // O_NONBLOCK: should a FIFO take the file's place since, open still returns at once.
  const flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
  const handle = await open(file, flags).catch((error: unknown) => {
    throw fileError(file, error, 'read');
  });
  try {
    refuseUnlessFile(file, await handle.stat());
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

/**
 * Writes `data` to a temporary file beside `file`, then moves it into place: a crash never leaves
 * half a file. In 'create' mode the move fails if `file` exists, atomically (link(2) never
 * replaces); in either mode only a regular file is ever replaced.
 */
export async function writeFileSafely(
  file: string,
  data: Readable,
  mode: WriteMode,
): Promise<void> {
  const existing = await stat(file).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fileError(file, error, 'write');
  });
  if (existing) {
    refuseUnlessFile(file, existing);
    if (mode === 'create') throw alreadyExists(file);
  }
  const temporary = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    // 'wx': never follows or reuses something already at the temporary name. flush: on disk
    // before it is moved into place, so a power cut leaves the old file or the new, not nothing.
    await pipeline(data, createWriteStream(temporary, { flags: 'wx', flush: true }));
    if (mode === 'replace') await rename(temporary, file);
    else await linkNew(temporary, file);
  } catch (error) {
    if (error instanceof ProcscopeError) throw error;
    throw fileError(file, error, 'write');
  } finally {
    await rm(temporary, { force: true });
  }
}

async function linkNew(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw alreadyExists(to);
    // Filesystems without hard links (FAT, some network shares): an exclusive copy instead.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') {
      await copyFile(from, to, constants.COPYFILE_EXCL).catch((copyError: unknown) => {
        if ((copyError as NodeJS.ErrnoException).code === 'EEXIST') throw alreadyExists(to);
        throw copyError;
      });
      return;
    }
    throw error;
  }
}

function refuseUnlessFile(file: string, info: Stats): void {
  if (info.isFile()) return;
  const what = info.isDirectory()
    ? 'a folder'
    : info.isFIFO()
      ? 'a FIFO (named pipe)'
      : info.isSocket()
        ? 'a socket'
        : info.isCharacterDevice() || info.isBlockDevice()
          ? 'a device'
          : 'not a regular file';
  throw new ProcscopeError(
    'invalid-params',
    `${file} is ${what}: Procscope reads and writes recordings only as regular files.`,
  );
}

function alreadyExists(file: string): ProcscopeError {
  return new ProcscopeError('already-exists', `${file} already exists.`);
}

function fileError(file: string, error: unknown, doing: 'read' | 'write'): ProcscopeError {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'ENOENT') {
    return new ProcscopeError(
      'not-found',
      doing === 'read' ? `${file} does not exist.` : `The folder of ${file} does not exist.`,
    );
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new ProcscopeError('permission-denied', `Permission denied: cannot ${doing} ${file}.`);
  }
  return new ProcscopeError('failed', `Could not ${doing} ${file}: ${message}`);
}
