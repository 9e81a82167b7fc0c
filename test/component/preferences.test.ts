import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import HelpOverlay from '../../src-renderer/src/components/HelpOverlay.svelte';
import {
  CLASSROOM_SCALE,
  MAX_SCALE,
  Preferences,
} from '../../src-renderer/src/lib/preferences.svelte';

function memoryStorage(initial: Record<string, string> = {}): Storage {
  const data = new Map(Object.entries(initial));
  return {
    get length() {
      return data.size;
    },
    clear: () => data.clear(),
    getItem: (key) => data.get(key) ?? null,
    key: (index) => [...data.keys()][index] ?? null,
    removeItem: (key) => void data.delete(key),
    setItem: (key, value) => void data.set(key, value),
  };
}

describe('Preferences', () => {
  it('zooms in bounded steps and remembers the choice', () => {
    const storage = memoryStorage();
    const preferences = new Preferences(storage);
    for (let i = 0; i < 30; i++) preferences.zoomIn();
    expect(preferences.scale).toBe(MAX_SCALE);
    expect(new Preferences(storage).scale).toBe(MAX_SCALE);
  });

  it('classroom mode brings large type and takes it away again', () => {
    const preferences = new Preferences(memoryStorage());
    preferences.toggleClassroom();
    expect(preferences.classroom).toBe(true);
    expect(preferences.scale).toBe(CLASSROOM_SCALE);
    preferences.toggleClassroom();
    expect(preferences.scale).toBe(1);
  });

  it('survives garbage in storage', () => {
    const preferences = new Preferences(memoryStorage({ 'procscope.preferences': '{oops' }));
    expect(preferences.scale).toBe(1);
    expect(preferences.cpuMode).toBe('per-core');
  });
});

describe('HelpOverlay', () => {
  it('lists the shortcuts by group and closes', async () => {
    // jsdom implements <dialog> only partly.
    HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
      this.open = true;
    };
    HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
      this.open = false;
      this.dispatchEvent(new Event('close'));
    };
    const onclose = vi.fn();
    render(HelpOverlay, {
      onclose,
      extra: [{ keys: 'Space', description: 'Pause the sampler', group: 'System' }],
    });
    expect(screen.getByRole('heading', { name: 'Keyboard shortcuts' })).toBeInTheDocument();
    expect(screen.getByText('Pause the sampler')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'System' })).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(onclose).toHaveBeenCalled();
  });
});
