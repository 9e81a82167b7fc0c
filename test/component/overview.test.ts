import { render, screen } from '@testing-library/svelte';
import { tick as flush } from 'svelte';
import { describe, expect, it } from 'vitest';
import Overview from '../../src-renderer/src/components/Overview.svelte';
import { SystemStore } from '../../src-renderer/src/lib/system.svelte';
import { FakeBridge } from './fake-bridge';
import { load, machine, row, snapshot, tick } from './fixtures';

function setup() {
  const bridge = new FakeBridge({
    'system.machine': () => machine,
    'system.snapshot': () => snapshot([row(1), row(2)]),
  });
  const system = new SystemStore(bridge.asBridge());
  return { bridge, system };
}

describe('Overview', () => {
  it('says it is reading before the first figures arrive', async () => {
    const system = new SystemStore(new FakeBridge({}).asBridge());
    render(Overview, { system });
    expect(screen.getByRole('status')).toHaveTextContent('Reading this machine…');
    await expect.poll(() => screen.getByRole('status').textContent).toMatch(/no answer for system/);
  });

  it('shows the machine and its load from the snapshot', async () => {
    const { system } = setup();
    render(Overview, { system });
    expect(await screen.findByTestId('hostname')).toHaveTextContent('lab-pc-07');
    expect(screen.getByTestId('cores')).toHaveTextContent('4 logical (2 physical)');
    expect(screen.getByTestId('process-count')).toHaveTextContent('412');
    expect(screen.getByTestId('thread-count')).toHaveTextContent('1,203');
    expect(screen.getByTestId('cpu-total')).toHaveTextContent('25%');
    expect(screen.getByTestId('memory-used')).toHaveTextContent('2.0 GiB');
    expect(screen.getAllByRole('listitem')).toHaveLength(4);
  });

  it('updates live as ticks arrive', async () => {
    const { bridge, system } = setup();
    render(Overview, { system });
    await screen.findByTestId('hostname');
    bridge.emit('system.tick', tick(11, { load: load({ processCount: 415, cpuTotal: 80 }) }));
    await flush();
    expect(screen.getByTestId('process-count')).toHaveTextContent('415');
    expect(screen.getByTestId('cpu-total')).toHaveTextContent('80%');
  });
});
