import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import LabView from '../../src-renderer/src/components/lab/LabView.svelte';
import { LabStore } from '../../src-renderer/src/lib/lab.svelte';
import { ROOT, created, labBridge, pausedAtStart, summary } from './lab-fixtures';

async function setup(stepMode = true) {
  const log = pausedAtStart(created());
  const run = summary({ stepMode });
  const bridge = labBridge(
    { runs: [run], log: stepMode ? log : created() },
    { 'lab.stop': ({ runId }) => summary({ id: runId, state: 'stopped', stepMode }) },
  );
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

  it('steps one call with the button, N or Space, and continues all with C', async () => {
    const { steps } = await setup();
    await fireEvent.click(screen.getByRole('button', { name: /^Step/ }));
    await fireEvent.keyDown(window, { key: 'n' });
    await fireEvent.keyDown(document.body, { key: ' ' });
    await fireEvent.keyDown(window, { key: 'C' });
    await fireEvent.click(screen.getByRole('button', { name: /Continue/ }));
    expect(steps()).toEqual([
      { runId: 'run-1', action: 'step' },
      { runId: 'run-1', action: 'step' },
      { runId: 'run-1', action: 'step' },
      { runId: 'run-1', action: 'continue' },
      { runId: 'run-1', action: 'continue' },
    ]);
    // The step key is printed on the button, and is the Lessons' one too.
    expect(screen.getByRole('button', { name: /^Step/ })).toHaveAttribute(
      'aria-keyshortcuts',
      'N Space',
    );
  });

  it('takes no S: in System S suspends a process, so it steps nothing here', async () => {
    const { steps } = await setup();
    await fireEvent.keyDown(window, { key: 's' });
    expect(steps()).toEqual([]);
  });

  it('leaves N and C to text fields while typing in them', async () => {
    const { steps } = await setup();
    const args = screen.getByLabelText('Arguments');
    await fireEvent.keyDown(args, { key: 'n' });
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

  it('shows no banner, and takes no N key, for a run without step mode', async () => {
    const { steps } = await setup(false);
    expect(screen.queryByTestId('step-banner')).toBeNull();
    await fireEvent.keyDown(window, { key: 'n' });
    expect(steps()).toEqual([]);
  });

  it('Run while a run waits at a pause stops that run first, and says so', async () => {
    const { bridge, lab } = await setup();
    bridge.calls.length = 0;
    await fireEvent.input(screen.getByLabelText('Script', { exact: true }), {
      target: { value: '/home/me/other.py' },
    });
    await fireEvent.keyDown(window, { key: 'Enter', ctrlKey: true });
    await expect.poll(() => lab.selectedId).toBe('run-2');
    const methods = bridge.calls.map(({ method }) => method);
    expect(methods.indexOf('lab.stop')).toBeGreaterThanOrEqual(0);
    expect(methods.indexOf('lab.stop')).toBeLessThan(methods.indexOf('lab.start'));
    expect(bridge.calls.find(({ method }) => method === 'lab.stop')?.params).toEqual({
      runId: 'run-1',
    });
    expect(lab.notice?.text).toMatch(/^Stopped “lesson.py”: it was in step mode/);
  });
});
