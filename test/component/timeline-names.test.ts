// One vocabulary: the Timeline's lanes and the Lab's process tree name every process alike, and
// say alike how it ended. Checked on every fixture log, so a naming rule added to one projection
// and not the other fails here.
import { describe, expect, it } from 'vitest';
import { RunProjection, exitLabel } from '../../src-renderer/src/lib/lab-model';
import { buildLayout } from '../../src-renderer/src/lib/timeline/layout';
import { FIXTURES, laneByName, loadLog } from './timeline-fixtures';

function labNames(name: (typeof FIXTURES)[number]) {
  const projection = new RunProjection();
  for (const event of loadLog(name)) projection.apply(event);
  return projection.view().processes;
}

describe('process names', () => {
  for (const fixture of FIXTURES)
    it(`are the same on the Timeline and in the Lab's tree: ${fixture}`, () => {
      const lanes = buildLayout(loadLog(fixture)).lanes.filter((lane) => lane.kind === 'process');
      const byPid = (list: { pid: number | null; name: string }[]) =>
        list
          .filter((item) => item.pid !== null)
          .map((item) => `${item.pid} ${item.name}`)
          .sort();
      expect(byPid(lanes)).toEqual(byPid(labNames(fixture)));
    });

  it('name a Pool worker as Python does once it starts: ForkPoolWorker-1, not ForkProcess-1', () => {
    const layout = buildLayout(loadLog('pool-map'));
    expect(layout.lanes.filter((l) => l.kind === 'process').map((l) => l.name)).toEqual([
      'MainProcess',
      'ForkPoolWorker-1',
      'ForkPoolWorker-2',
    ]);
    // A library's own target is not a call worth writing on the start marker.
    expect(layout.markers.filter((m) => m.kind === 'start').map((m) => m.value)).toEqual([
      undefined,
      undefined,
    ]);
  });

  it('write the exit status at the end of each lane as the Lab writes it', () => {
    const layout = buildLayout(loadLog('terminate-kill'));
    for (const process of labNames('terminate-kill')) {
      if (!process.exit || process.pid === null) continue;
      const lane = laneByName(layout, process.name, process.pid);
      const end = layout.content.get(lane.id)?.markers.find((m) => m.kind === 'exit');
      expect(end?.value).toBe(exitLabel(process.exit));
    }
  });

  it('end the root process with the run’s own exit status when the OS could not tell it', () => {
    const events = loadLog('two-sleepers-join').map((event) =>
      event.kind === 'proc.exited' && event.pid === 4100 ? { ...event, exitCode: null } : event,
    );
    const layout = buildLayout(events);
    const main = laneByName(layout, 'MainProcess');
    const end = layout.content.get(main.id)?.markers.find((m) => m.kind === 'exit');
    expect(end?.value).toBe('exit 0');
  });
});
