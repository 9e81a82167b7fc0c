// The app's views, in tab order: the tab bar, Alt+1…Alt+N and the help overlay all read this list.
import type { ViewId } from '$common/share';

export type { ViewId };

export const VIEWS = [
  { id: 'overview', label: 'Overview' },
  { id: 'system', label: 'System' },
  { id: 'lab', label: 'Lab' },
  { id: 'lessons', label: 'Lessons' },
] as const satisfies readonly { id: ViewId; label: string }[];
