// Naming the writer of the bytes on a run's shared output pipe, from the notices (pid, count,
// CRC-32) its traced processes send after each write — when the same bytes could be anyone's.
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { OutputAttribution } from '../../../src-main/core/lab/output-attribution';

function attribution() {
  let now = 0;
  const written: Array<{ pid: number | undefined; text: string }> = [];
  const output = new OutputAttribution(
    (pid, _stream, chunk) => written.push({ pid, text: chunk.toString() }),
    40,
    () => now,
  );
  const notice = (pid: number, text: string) =>
    output.notice(pid, 'stdout', Buffer.byteLength(text), crc32(text));
  const pipe = (text: string) => output.pipeData('stdout', Buffer.from(text));
  const later = (ms: number) => {
    now += ms;
  };
  return { output, written, notice, pipe, later };
}

describe('output attribution', () => {
  it('gives each writer its own bytes', () => {
    const { written, notice, pipe } = attribution();
    pipe('parent line\nchild line\n');
    notice(2, 'child line\n');
    notice(1, 'parent line\n');
    expect(written).toEqual([
      { pid: 1, text: 'parent line\n' },
      { pid: 2, text: 'child line\n' },
    ]);
  });

  it('ends a line with the "\\n" of its writer, though another writer\'s "\\n" was noticed first', () => {
    // Lesson 1: the child prints its line (print writes the text, then "\n"); the parent prints
    // an empty line after join(). The parent's notice of its "\n" may overtake the child's.
    const { output, written, notice, pipe, later } = attribution();
    pipe('An extra process: pid 11, parent pid 10');
    notice(11, 'An extra process: pid 11, parent pid 10');
    pipe('\n');
    notice(10, '\n');
    later(5);
    notice(11, '\n');
    pipe('\n');
    output.finish();
    expect(written).toEqual([
      { pid: 11, text: 'An extra process: pid 11, parent pid 10' },
      { pid: 11, text: '\n' },
      { pid: 10, text: '\n' },
    ]);
  });

  it("lets another writer have the bytes once the open line's writer has had the hold to claim them", async () => {
    const { written, notice, pipe, later } = attribution();
    pipe('progress: 10%');
    notice(11, 'progress: 10%');
    pipe('\n');
    notice(10, '\n');
    expect(written).toHaveLength(1);
    later(50);
    // The hold's timer fires on the real clock; the attribution's clock says the hold is over.
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(written).toEqual([
      { pid: 11, text: 'progress: 10%' },
      { pid: 10, text: '\n' },
    ]);
  });
});
