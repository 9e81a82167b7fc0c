import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import LabView from '../../src-renderer/src/components/lab/LabView.svelte';
import { ApiCallError } from '../../src-renderer/src/lib/bridge.svelte';
import { LabStore } from '../../src-renderer/src/lib/lab.svelte';
import type { FakeBridge } from './fake-bridge';
import { PYTHON_OK, labBridge } from './lab-fixtures';

function setup(bridge: FakeBridge = labBridge()) {
  const lab = new LabStore(bridge.asBridge());
  render(LabView, { lab });
  return { bridge, lab };
}

const callsOf = (bridge: FakeBridge, method: string) =>
  bridge.calls.filter((call) => call.method === method).map((call) => call.params);

async function type(label: string | RegExp, value: string): Promise<void> {
  await fireEvent.input(screen.getByLabelText(label), { target: { value } });
}

describe('Lab start form', () => {
  it('starts the run with the request the fields describe, then shows it', async () => {
    const { bridge } = setup();
    await type('Script', '/home/me/lesson.py');
    await type('Arguments', `--join "two words"`);
    await fireEvent.click(screen.getByText('Environment'));
    await type('Environment overrides', 'PYTHONUNBUFFERED=1\n-DEBUG');
    await fireEvent.click(screen.getByLabelText(/Step mode/));
    await fireEvent.click(screen.getByRole('button', { name: /Run/ }));

    expect(callsOf(bridge, 'lab.start')).toEqual([
      {
        kind: 'python',
        file: '/home/me/lesson.py',
        args: ['--join', 'two words'],
        cwd: '/home/me',
        env: { PYTHONUNBUFFERED: '1', DEBUG: null },
        stepMode: true,
      },
    ]);
    expect(await screen.findByTestId('run-header')).toHaveTextContent('started');
    expect(callsOf(bridge, 'lab.events')).toContainEqual({ runId: 'run-2' });
  });

  it('runs with Ctrl+Enter from any field, and sends any program as kind exec', async () => {
    const { bridge } = setup();
    await fireEvent.click(screen.getByLabelText('Any program'));
    await type('Program', '/usr/bin/sleep');
    await type('Working folder', '/tmp');
    await fireEvent.keyDown(screen.getByLabelText('Arguments'), { key: 'Enter', ctrlKey: true });
    expect(callsOf(bridge, 'lab.start')).toEqual([
      { kind: 'exec', file: '/usr/bin/sleep', args: [], cwd: '/tmp', stepMode: false },
    ]);
  });

  it('says in place what is wrong with a field, without asking the backend', async () => {
    const { bridge } = setup();
    await fireEvent.click(screen.getByRole('button', { name: /Run/ }));
    expect(screen.getByLabelText('Script')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText('Choose the Python script to run.')).toBeInTheDocument();

    await type('Script', 'lesson.py');
    await type('Arguments', '--name "Ada');
    await fireEvent.click(screen.getByRole('button', { name: /Run/ }));
    expect(screen.getByText('A " quote is not closed.')).toBeInTheDocument();
    expect(screen.getByLabelText('Arguments')).toHaveFocus();
    expect(callsOf(bridge, 'lab.start')).toEqual([]);
  });

  it("shows the backend's refusal where the user is looking", async () => {
    const { bridge } = setup(
      labBridge(
        {},
        {
          'lab.start': () => {
            throw new ApiCallError({
              code: 'not-found',
              message: 'The script /home/me/nope.py does not exist.',
            });
          },
        },
      ),
    );
    await type('Script', '/home/me/nope.py');
    await fireEvent.click(screen.getByRole('button', { name: /Run/ }));
    expect(await screen.findByTestId('start-error')).toHaveTextContent(
      'The script /home/me/nope.py does not exist.',
    );
    expect(callsOf(bridge, 'lab.start')).toHaveLength(1);
  });

  it('offers a path field with a hint, and no picker, in browser mode', async () => {
    setup();
    expect(screen.queryByRole('button', { name: 'Choose…' })).toBeNull();
    expect(screen.getByText(/Type the full path of the script/)).toBeInTheDocument();
  });

  it('uses the picker in Electron, and falls back to typing when it is unavailable', async () => {
    let answer: () => { path: string | null } = () => ({ path: '/picked/lesson.py' });
    const bridge = labBridge({}, { 'app.pickFile': () => answer() });
    Object.assign(bridge, { transport: 'electron' });
    setup(bridge);
    await fireEvent.click(screen.getAllByRole('button', { name: 'Choose…' })[0]!);
    await expect
      .poll(() => (screen.getByLabelText('Script') as HTMLInputElement).value)
      .toBe('/picked/lesson.py');
    answer = () => {
      throw new ApiCallError({ code: 'unavailable', message: 'No file picker here.' });
    };
    await fireEvent.click(screen.getAllByRole('button', { name: 'Choose…' })[0]!);
    await expect.poll(() => screen.queryByRole('button', { name: 'Choose…' })).toBeNull();
    expect(callsOf(bridge, 'app.pickFile')).toEqual([{ purpose: 'script' }, { purpose: 'script' }]);
  });
});

describe('Python interpreter', () => {
  it('shows the interpreter in use', async () => {
    setup();
    await expect
      .poll(() => screen.getByTestId('interpreter').textContent?.replace(/\s+/g, ' '))
      .toContain('Python 3.11.7 /usr/bin/python3');
    expect(screen.queryByTestId('python-missing')).toBeNull();
  });

  it('explains a missing Python: the problem, how to install it, how to point at one', async () => {
    const problem = 'Python 3.8+ was not found (tried python3, python).';
    const { bridge } = setup(
      labBridge(
        { python: { python: null, configured: null, problem } },
        { 'lab.setPython': () => ({ ...PYTHON_OK, configured: '/opt/py/bin/python3' }) },
      ),
    );
    const panel = await screen.findByTestId('python-missing');
    expect(panel).toHaveTextContent(problem);
    expect(panel).toHaveTextContent('winget install Python.Python.3.12');
    expect(panel).toHaveTextContent('brew install python');
    expect(panel).toHaveTextContent('sudo apt install python3');
    expect(screen.getByTestId('interpreter')).toHaveTextContent('No usable Python');

    const field = within(panel).getByLabelText('Path to a Python interpreter');
    await fireEvent.input(field, { target: { value: '/opt/py/bin/python3' } });
    await fireEvent.click(within(panel).getByRole('button', { name: 'Use this Python' }));
    expect(callsOf(bridge, 'lab.setPython')).toEqual([{ path: '/opt/py/bin/python3' }]);
    await expect.poll(() => screen.queryByTestId('python-missing')).toBeNull();
  });

  it('keeps the picker open with the reason when the chosen interpreter is unusable', async () => {
    const { bridge } = setup(
      labBridge(
        {},
        {
          'lab.setPython': ({ path }) => ({
            python: null,
            configured: path,
            problem: `Python 3.8+ was not found at "${path}".`,
          }),
        },
      ),
    );
    await fireEvent.click(screen.getByRole('button', { name: 'Change…' }));
    await type('Path to a Python interpreter', '/bin/false');
    await fireEvent.click(screen.getByRole('button', { name: 'Use this Python' }));
    const picker = screen.getByRole('button', { name: 'Cancel' }).closest('form') as HTMLElement;
    expect(await within(picker).findByRole('alert')).toHaveTextContent(
      'Python 3.8+ was not found at "/bin/false".',
    );
    expect(callsOf(bridge, 'lab.setPython')).toEqual([{ path: '/bin/false' }]);
    // The status it answered is now the Lab's: the help panel explains what to do.
    expect(screen.getByTestId('python-missing')).toBeInTheDocument();
  });
});
