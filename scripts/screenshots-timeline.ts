// Screenshots of the Timeline for the README: the tutorial's two sleepers with and without
// join(), in the light and the dark theme (`npx tsx scripts/screenshots-timeline.ts`).
import { join } from 'node:path';
import { loadFixture, mountTimeline, root, startHarness } from './timeline-harness';

const SHOTS = [
  { fixture: 'two-sleepers-join', name: 'timeline-join' },
  { fixture: 'two-sleepers-no-join', name: 'timeline-no-join' },
];

const harness = await startHarness();
try {
  for (const colorScheme of ['light', 'dark'] as const) {
    const page = await harness.open({ colorScheme });
    for (const shot of SHOTS) {
      await mountTimeline(page, { events: loadFixture(shot.fixture), title: shot.fixture });
      const path = join(root, 'docs', 'screenshots', `${shot.name}-${colorScheme}.png`);
      await page.screenshot({ path });
      console.log(`wrote ${path}`);
    }
    await page.context().close();
  }
} finally {
  await harness.close();
}
