// The app's views, in tab order: the tab bar, Alt+1…Alt+N and the help overlay all read this list.
export const VIEWS = [
  { id: 'overview', label: 'Overview' },
  { id: 'system', label: 'System' },
  { id: 'lab', label: 'Lab' },
  { id: 'lessons', label: 'Lessons' },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];
