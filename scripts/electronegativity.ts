// Runs the electronegativity scan over the app's source (main + renderer) and over the built
// bundle, and fails on any finding not explained in security/electronegativity-allowlist.json.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Allowed {
  rule: string;
  files: string[];
  why: string;
}
interface SarifResult {
  ruleId: string;
  message: { text: string };
  locations: Array<{
    physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
  }>;
}

const root = join(import.meta.dirname, '..');
const allowList = JSON.parse(
  readFileSync(join(root, 'security', 'electronegativity-allowlist.json'), 'utf8'),
) as Allowed[];
const work = mkdtempSync(join(tmpdir(), 'procscope-electronegativity-'));

function scan(label: string, input: string, prefix: string): string[] {
  const report = join(work, `${label}.sarif`);
  // The release-list check needs the network; Electron is kept current by the lockfile instead.
  const result = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules', '@doyensec', 'electronegativity', 'dist', 'index.js'),
      ...['-i', input, '-o', report, '-r', '-v', 'false', '-e', '45.5.0'],
      ...['-x', 'AvailableSecurityFixesGlobalCheck'],
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (!existsSync(report)) {
    throw new Error(
      `electronegativity produced no report for ${label}:\n${result.stdout}${result.stderr}`,
    );
  }
  const results = (
    JSON.parse(readFileSync(report, 'utf8')) as { runs: Array<{ results: SarifResult[] }> }
  ).runs.flatMap((run) => run.results);
  const problems: string[] = [];
  for (const finding of results) {
    const location = finding.locations[0]?.physicalLocation;
    const file = `${prefix}${location?.artifactLocation.uri ?? '?'}`;
    const allowed = allowList.some(
      (entry) => entry.rule === finding.ruleId && entry.files.includes(file),
    );
    const line = `${finding.ruleId} at ${file}:${location?.region.startLine ?? 0} — ${finding.message.text}`;
    console.log(`${allowed ? 'allowed ' : 'FINDING '} ${line}`);
    if (!allowed) problems.push(line);
  }
  return problems;
}

try {
  const source = join(work, 'source');
  cpSync(join(root, 'src-main'), join(source, 'src-main'), { recursive: true });
  cpSync(join(root, 'src-renderer'), join(source, 'src-renderer'), { recursive: true });
  const problems = scan('source', source, '');
  if (existsSync(join(root, 'out'))) problems.push(...scan('bundle', join(root, 'out'), 'out/'));
  else console.log('No build in out/; scanned the source only.');
  if (problems.length > 0) {
    console.error(`\nelectronegativity: ${problems.length} finding(s) not in the allow-list.`);
    process.exitCode = 1;
  } else {
    console.log('\nelectronegativity: no findings outside the documented allow-list.');
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
