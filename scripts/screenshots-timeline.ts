// Screenshots of the Timeline for the README (`npx tsx scripts/screenshots-timeline.ts`), from
// the fixture logs, in the light and the dark theme: the tutorial's two sleepers with and
// without join(), and lesson 9's two variations compared in classroom mode on a 1280×720
// projector — two threads at one core, two processes at two.
import { join } from 'node:path';
import {
  loadFixture,
  mountTimeline,
  root,
  startHarness,
  type TimelineProps,
} from './timeline-harness';

interface Shot {
  name: string;
  props: TimelineProps;
  classroom?: boolean;
}

const SHOTS: Shot[] = [
  { name: 'timeline-join', props: { events: loadFixture('two-sleepers-join'), title: 'join' } },
  { name: 'timeline-no-join', props: { events: loadFixture('two-sleepers-no-join') } },
  {
    name: 'timeline-gil-compare',
    classroom: true,
    props: {
      runs: [
        { key: 'threads', title: 'Two threads', events: loadFixture('gil-threads') },
        { key: 'processes', title: 'Two processes', events: loadFixture('gil-processes') },
      ],
    },
  },
];

const harness = await startHarness();
try {
  for (const colorScheme of ['light', 'dark'] as const)
    for (const shot of SHOTS) {
      const page = await harness.open({
        colorScheme,
        classroom: shot.classroom ?? false,
        ...(shot.classroom ? { width: 1280, height: 720 } : {}),
      });
      await mountTimeline(page, shot.props);
      const path = join(root, 'docs', 'screenshots', `${shot.name}-${colorScheme}.png`);
      await page.screenshot({ path });
      console.log(`wrote ${path}`);
      await page.context().close();
    }
} finally {
  await harness.close();
}
