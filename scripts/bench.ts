// `npm run bench`: every benchmark, one after another on a quiet machine, each printing its own
// table. They run in separate processes so one's sleepers, browsers or heap never skew another.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { needsBuild } from './start';

const root = join(import.meta.dirname, '..');
const BENCHES = [
  ['System sampler vs top, ps, pidusage, systeminformation', 'bench-system.ts'],
  ['Leaving the System view open, against a running top and htop', 'bench-ui.ts'],
  ['Timeline layout and frame time', 'bench-timeline.ts'],
  ['Python tracer overhead', 'bench-lab.ts'],
  ['Class share: 60 viewers during a lesson run', 'bench-share.ts'],
] as const;

if (needsBuild(root)) {
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

let failed = 0;
for (const [title, script] of BENCHES) {
  console.log(`\n## ${title}\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', script)], {
    cwd: root,
    stdio: 'inherit',
  });
  if (run.status !== 0) {
    failed++;
    console.log(`\n${script} failed (exit ${run.status ?? run.signal}).`);
  }
}
process.exit(failed === 0 ? 0 : 1);
