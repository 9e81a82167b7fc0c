// How the user left the Timeline's own furniture, deliberately app-wide: the Lab's and the
// Lessons' Timelines are one instrument, so closing the legend in one closes it in both, and the
// choice is kept across sessions (localStorage, like the app's other preferences).

const STORAGE_KEY = 'procscope.timeline';

export class TimelinePreferences {
  /** The legend under the toolbar; closed, the lanes get its rows. */
  legend = $state(true);

  constructor(private readonly storage: Storage | null = globalThis.localStorage ?? null) {
    try {
      const stored = JSON.parse(storage?.getItem(STORAGE_KEY) ?? '{}') as { legend?: unknown };
      if (typeof stored.legend === 'boolean') this.legend = stored.legend;
    } catch {
      // A damaged entry is as good as none.
    }
  }

  toggleLegend(): void {
    this.legend = !this.legend;
    try {
      this.storage?.setItem(STORAGE_KEY, JSON.stringify({ legend: this.legend }));
    } catch {
      // Storage full or disabled: the choice holds for this session only.
    }
  }
}

export const timelinePreferences = new TimelinePreferences();
