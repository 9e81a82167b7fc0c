// A Procscope host for the lifeline test: starts a run of the given script, reports its processes
// on stdout as JSON lines, and waits - until the test kills it with SIGKILL.

import { LabSupervisor } from '../../../../src-main/core/lab/supervisor';

const supervisor = new LabSupervisor();
supervisor.onEvents((_, events) => {
  for (const event of events) {
    if (event.kind === 'proc.appeared' || event.kind === 'mp.running') {
      process.stdout.write(`${JSON.stringify(event)}\n`);
    }
  }
});
const [script, ...args] = process.argv.slice(2);
if (!script) throw new Error('usage: lifeline-host.ts script.py [args…]');
const run = await supervisor.start({ kind: 'python', file: script, args });
process.stdout.write(`${JSON.stringify({ kind: 'run', rootPid: run.rootPid })}\n`);
