// Whether this page is a class-share viewer's: the controls that change anything (run, stop,
// step, signals, settings, files) are then left out. The server refuses them anyway; leaving
// them out keeps a student from pressing buttons that can only fail.
import { getContext, setContext } from 'svelte';

const KEY = Symbol('procscope.read-only');

/** Called once by the app, with a getter, since the role is only known once connected. */
export function provideReadOnly(isReadOnly: () => boolean): void {
  setContext(KEY, isReadOnly);
}

/** For components: a getter to call in markup, so the answer follows the connection. */
export function readOnly(): () => boolean {
  return getContext<(() => boolean) | undefined>(KEY) ?? (() => false);
}
