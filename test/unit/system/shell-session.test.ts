import { afterEach, describe, expect, it } from 'vitest';
import { ShellSession, type ShellDialect } from '../../../src-main/core/system/shell-session';

const SH: ShellDialect = {
  command: 'sh',
  args: [],
  frame: (script, end, error) =>
    `if ! { ${script}; }; then echo '${error} script failed'; fi; echo '${end}'`,
};

let session: ShellSession | undefined;
afterEach(() => session?.dispose());

describe('ShellSession', () => {
  it('answers requests in order from one long-lived shell', async () => {
    session = new ShellSession(SH);
    const answers = await Promise.all([
      session.request('echo $$'),
      session.request('echo two'),
      session.request('echo $$'),
    ]);
    expect(answers[1]).toBe('two\n');
    expect(answers[0]).toBe(answers[2]);
  });

  it('reassembles large answers that arrive in many chunks', async () => {
    session = new ShellSession(SH);
    const output = await session.request('seq 1 200000');
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(200_000);
    expect(lines.at(-1)).toBe('200000');
  });

  it('rejects a failed script and keeps serving', async () => {
    session = new ShellSession(SH);
    await expect(session.request('false')).rejects.toThrow('script failed');
    expect(await session.request('echo ok')).toBe('ok\n');
  });

  it('restarts the shell after it dies', async () => {
    session = new ShellSession(SH);
    const before = await session.request('echo $$');
    await expect(session.request('exit 3')).rejects.toThrow('The shell exited.');
    const after = await session.request('echo $$');
    expect(after).not.toBe(before);
  });

  it('fails pending and later requests once disposed', async () => {
    session = new ShellSession(SH);
    const pending = session.request('sleep 5; echo late');
    session.dispose();
    await expect(pending).rejects.toThrow('closed');
    await expect(session.request('echo x')).rejects.toThrow('closed');
  });
});
