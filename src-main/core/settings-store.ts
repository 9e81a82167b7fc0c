// Settings that outlive a session (the chosen Python interpreter). One small JSON file in the
// app's data directory; a missing or damaged file means "defaults", never a failed start.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface StoredSettings {
  python?: string;
}

export class SettingsStore {
  private readonly file: string;
  private current: StoredSettings;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'settings.json');
    this.current = this.read();
  }

  get(): StoredSettings {
    return { ...this.current };
  }

  update(change: StoredSettings): void {
    this.current = { ...this.current, ...change };
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const temporary = `${this.file}.tmp`;
      writeFileSync(temporary, JSON.stringify(this.current, null, 2));
      renameSync(temporary, this.file);
    } catch (error) {
      // Unwritable data directory: the choice still holds until the app quits.
      console.error(`[procscope] could not save settings to ${this.file}:`, error);
    }
  }

  private read(): StoredSettings {
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
      if (typeof parsed !== 'object' || parsed === null) return {};
      const python = (parsed as Record<string, unknown>).python;
      return typeof python === 'string' && python.length > 0 ? { python } : {};
    } catch {
      return {};
    }
  }
}
