// Which process printed each line, when the machine is too busy to tell at once.

import { afterAll, expect, it } from 'vitest';
import { LabSupervisor } from '../../../src-main/core/lab/supervisor';
import { fixture, ofKind, onlyOne, runToEnd } from './helpers/lab';

const supervisor = new LabSupervisor();
afterAll(() => supervisor.dispose());

it('names the writer of every line even when its notice comes long after the bytes', async () => {
  const { summary, events } = await runToEnd(supervisor, { file: fixture('late_notices.py') });
  expect(summary.exitCode).toBe(0);
  const child = onlyOne(events, 'mp.started').childPid;
  // A print may be two writes (its text, then the newline): consecutive writes of one writer
  // make its line.
  const writers: Array<[string, number | undefined]> = [];
  for (const { pid, text } of ofKind(events, 'output')) {
    const last = writers.at(-1);
    if (last && last[1] === pid && !last[0].endsWith('\n')) last[0] += text;
    else writers.push([text, pid]);
  }
  expect(writers).toEqual([
    [`parent: pid ${summary.rootPid}\n`, summary.rootPid],
    [`child: pid ${child}\n`, child],
  ]);
});
