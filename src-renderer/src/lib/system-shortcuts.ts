// The System view's keys, in the shape of the app's one keyboard map (lib/shortcuts.ts) so the
// `?` overlay lists them while the System view is showing.
import { ACTIONS } from './process-labels';
import type { Shortcut } from './shortcuts';

export const SYSTEM_SHORTCUTS: Shortcut[] = [
  { keys: '/  or  Ctrl F', description: 'Search processes', group: 'System' },
  { keys: 'T', description: 'List ↔ tree', group: 'System' },
  { keys: 'C', description: 'CPU per core ↔ share of the machine', group: 'System' },
  { keys: 'P', description: 'Pause or resume live updates', group: 'System' },
  { keys: '↑ ↓  Home End  PgUp PgDn', description: 'Move the selection', group: 'System' },
  { keys: '← →', description: 'Tree: collapse / expand, or go to parent / child', group: 'System' },
  {
    keys: 'Enter  or  Shift F10',
    description: 'Actions menu of the selected process',
    group: 'System',
  },
  ...ACTIONS.map((action): Shortcut => ({
    keys: action.keys.replace('+', ' '),
    description: `${action.label}… (${action.signalName}${action.tree ? ' to the whole tree' : ''}), after confirmation`,
    group: 'System',
  })),
  { keys: 'Esc', description: 'In the search box: clear it', group: 'System' },
];
