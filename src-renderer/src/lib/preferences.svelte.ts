// What the user chose for the look of the app, kept across sessions in localStorage (per origin,
// which in Electron is the app:// scheme and in browser mode the server's address).

import {
  DEFAULT_COLUMNS,
  OPTIONAL_COLUMNS,
  isOptionalColumn,
  type OptionalColumn,
} from './system-columns';

const STORAGE_KEY = 'procscope.preferences';
export const MIN_SCALE = 0.8;
export const MAX_SCALE = 2;
const SCALE_STEP = 0.1;
/** Large enough to read from the back of a room on a 1280×720 projector. */
export const CLASSROOM_SCALE = 1.4;

export type CpuMode = 'per-core' | 'machine';

interface Stored {
  scale: number;
  classroom: boolean;
  cpuMode: CpuMode;
  /** The System table's optional columns that are shown. */
  columns: OptionalColumn[];
}

const DEFAULTS: Stored = {
  scale: 1,
  classroom: false,
  cpuMode: 'per-core',
  columns: [...DEFAULT_COLUMNS],
};

function clampScale(value: number): number {
  return Math.round(Math.min(MAX_SCALE, Math.max(MIN_SCALE, value)) * 10) / 10;
}

export class Preferences {
  scale = $state(DEFAULTS.scale);
  classroom = $state(DEFAULTS.classroom);
  cpuMode = $state<CpuMode>(DEFAULTS.cpuMode);
  columns = $state.raw<ReadonlySet<OptionalColumn>>(new Set(DEFAULTS.columns));

  constructor(private readonly storage: Storage | null = globalThis.localStorage ?? null) {
    const stored = this.read();
    this.scale = clampScale(stored.scale);
    this.classroom = stored.classroom;
    this.cpuMode = stored.cpuMode;
    this.columns = new Set(stored.columns);
  }

  zoomIn(): void {
    this.setScale(this.scale + SCALE_STEP);
  }

  zoomOut(): void {
    this.setScale(this.scale - SCALE_STEP);
  }

  resetZoom(): void {
    this.setScale(this.classroom ? CLASSROOM_SCALE : 1);
  }

  setScale(value: number): void {
    this.scale = clampScale(value);
    this.save();
  }

  /** Classroom mode is a preset: it brings large type with it and takes it away again. */
  toggleClassroom(): void {
    this.classroom = !this.classroom;
    this.scale = this.classroom ? Math.max(this.scale, CLASSROOM_SCALE) : 1;
    this.save();
  }

  setCpuMode(mode: CpuMode): void {
    this.cpuMode = mode;
    this.save();
  }

  setColumn(column: OptionalColumn, shown: boolean): void {
    const next = new Set(this.columns);
    if (shown) next.add(column);
    else next.delete(column);
    this.columns = next;
    this.save();
  }

  private read(): Stored {
    try {
      const parsed = JSON.parse(this.storage?.getItem(STORAGE_KEY) ?? '{}') as Partial<Stored>;
      return {
        scale: typeof parsed.scale === 'number' ? parsed.scale : DEFAULTS.scale,
        classroom: parsed.classroom === true,
        cpuMode: parsed.cpuMode === 'machine' ? 'machine' : 'per-core',
        columns: Array.isArray(parsed.columns)
          ? parsed.columns.filter(isOptionalColumn)
          : [...DEFAULTS.columns],
      };
    } catch {
      return DEFAULTS;
    }
  }

  private save(): void {
    const value: Stored = {
      scale: this.scale,
      classroom: this.classroom,
      cpuMode: this.cpuMode,
      // In the table's order, whatever order they were ticked in.
      columns: OPTIONAL_COLUMNS.filter((column) => this.columns.has(column)),
    };
    try {
      this.storage?.setItem(STORAGE_KEY, JSON.stringify(value));
    } catch {
      // Storage full or disabled (private window): the choice holds for this session only.
    }
  }
}
