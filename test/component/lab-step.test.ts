import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import LabView from '../../src-renderer/src/components/lab/LabView.svelte';
import { LabStore } from '../../src-renderer/src/lib/lab.svelte';
import { LAB_SHORTCUTS } from '../../src-renderer/src/lib/shortcuts';
import { ROOT, SCRIPT, created, labBridge, summary } from './lab-fixtures';

function pausedAtStart() {
  const log = created();
  log.add({
    kind: 'step.paused',
    pid: ROOT,
    tid: ROOT,
    pause: 1,
    call: 'Process.start',
    obj: `${ROOT}:1`,
    at: { file: SCRIPT, line: 15 },
    code: 'p1.start()',
  });
  return log;
}

async function setup(stepMode = true) {
  const log = pausedAtStart();
  const run = summary({ stepMode });
  const bridge = labBridge({ runs: [run], log: stepMode ? log : created() });
  const lab = new LabStore(bridge.asBridge());
  render(LabView, { lab });
  await screen.findByTestId('process-tree');
  const steps = () =>
    bridge.calls.filter((call) => call.method === 'lab.step').map((call) => call.params);
  return { bridge, lab, log, steps };
}

describe('step mode', () => {
  it('says who is paused where, with the line of code', async () => {
    await setup();
    const banner = screen.getByTestId('step-banner');
    expect(banner).toHaveTextContent(
      `Paused: MainProcess (pid ${ROOT}) at Process-1.start() — lesson.py:15 p1.start()`,
    );
    expect(screen.getByRole('button', { name: /Step/ })).toBeEnabled();
  });

  it('steps one call with the button or S, and continues all with C', async () => {
    const { steps } = await setup();
    await fireEvent.click(screen.getByRole('button', { name: /^Step/ }));
    await fireEvent.keyDown(window, { key: 's' });
    await fireEvent.keyDown(window, { key: 'C' });
    await fireEvent.click(screen.getByRole('button', { name: /Continue/ }));
    expect(steps()).toEqual([
      { runId: 'run-1', action: 'step' },
      { runId: 'run-1', action: 'step' },
      { runId: 'run-1', action: 'continue' },
      { runId: 'run-1', action: 'continue' },
    ]);
  });

  it('leaves S and C to text fields while typing in them', async () => {
    const { steps } = await setup();
    const args = screen.getByLabelText('Arguments');
    await fireEvent.keyDown(args, { key: 's' });
    await fireEvent.keyDown(args, { key: 'c' });
    expect(steps()).toEqual([]);
  });

  it('clears the pause when it resumes, and waits with the buttons disabled', async () => {
    const { bridge, log } = await setup();
    log.add({ kind: 'step.resumed', pid: ROOT, tid: ROOT, pause: 1, how: 'step' });
    bridge.emit('lab.events', { runId: 'run-1', events: log.since(log.events.length - 1) });
    await expect
      .poll(() => screen.getByTestId('step-banner').textContent)
      .toMatch(/runs until its next start\(\)/);
    expect(screen.getByRole('button', { name: /^Step/ })).toBeDisabled();
    expect(screen.getByRole('button', { name: /Continue/ })).toBeDisabled();
  });

  it('shows no banner, and takes no S key, for a run without step mode', async () => {
    const { steps } = await setup(false);
    expect(screen.queryByTestId('step-banner')).toBeNull();
    await fireEvent.keyDown(window, { key: 's' });
    expect(steps()).toEqual([]);
  });

  it('lists its keys in the one keyboard map', () => {
    expect(LAB_SHORTCUTS.map((shortcut) => shortcut.keys)).toEqual(
      expect.arrayContaining(['S', 'C', 'Ctrl Enter']),
    );
  });
});
