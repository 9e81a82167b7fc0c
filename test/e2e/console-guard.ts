// Runs before every e2e test file: after each test, any console warning or error a page logged
// (and any uncaught exception) fails that test, with the messages in the failure.
import { afterEach } from 'vitest';
import { assertNoConsoleProblems } from './harness';

afterEach(() => {
  assertNoConsoleProblems();
});
