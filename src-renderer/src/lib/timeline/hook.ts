// What the Timeline exposes besides pixels: the laid-out model for end-to-end tests, and its
// keyboard map for the app's shortcut overlay.

import type { Shortcut } from '../shortcuts';
import type {
  TimelineArrow,
  TimelineLane,
  TimelineLayout,
  TimelineMarker,
  TimelineSpan,
} from './layout';

/** Plain data, times in µs since the run started; replaced whenever the layout changes. */
export interface TimelineTestHook {
  lanes: TimelineLane[];
  spans: TimelineSpan[];
  markers: TimelineMarker[];
  arrows: TimelineArrow[];
  end: number;
  ended: boolean;
}

declare global {
  interface Window {
    /** Read-only view of the last laid-out Timeline, for e2e tests (cheap: shares the arrays). */
    __procscopeTimeline?: TimelineTestHook;
  }
}

export function publishForTests(layout: TimelineLayout): void {
  const { lanes, spans, markers, arrows, end, ended } = layout;
  window.__procscopeTimeline = { lanes, spans, markers, arrows, end, ended };
}

export const TIMELINE_SHORTCUTS: Shortcut[] = [
  { keys: 'Ctrl + wheel, pinch', description: 'Zoom around the pointer', group: 'Timeline' },
  { keys: '+ / −', description: 'Zoom in / out', group: 'Timeline' },
  { keys: '0', description: 'Fit the whole run', group: 'Timeline' },
  { keys: '← / →, drag', description: 'Move through time (Shift: faster)', group: 'Timeline' },
  {
    keys: 'Wheel, ↑ / ↓',
    description: 'Scroll lanes / select the previous or next lane',
    group: 'Timeline',
  },
  { keys: 'Enter', description: "Show or hide the selected process's threads", group: 'Timeline' },
  { keys: 'E', description: 'Read the next exception’s traceback', group: 'Timeline' },
  { keys: 'End', description: 'Follow the live run again', group: 'Timeline' },
];
