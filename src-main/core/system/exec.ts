import { execFile } from 'node:child_process';

/**
 * Runs a tool and resolves with its stdout. A non-zero exit still resolves: `ps -p` exits 1 when
 * one of the requested pids is gone, which is an answer, not a failure. Only a tool that cannot
 * run at all (missing binary, killed) rejects.
 */
export function runTool(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      // The C locale pins date and number formats (ps lstart, decimal separators) to what the
      // parsers expect, whatever language the user's desktop speaks.
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, LC_ALL: 'C' },
        windowsHide: true,
      },
      (error, stdout) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve(stdout);
      },
    );
  });
}
