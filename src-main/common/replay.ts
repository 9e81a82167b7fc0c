// A recording opened for replay is listed among the runs under an id of its own, marked so any
// view can tell a replay (scrubbable, never live) from a run of this session.

const REPLAY_PREFIX = 'replay-';

export function replayRunId(unique: string): string {
  return `${REPLAY_PREFIX}${unique}`;
}

export function isReplayRunId(id: string): boolean {
  return id.startsWith(REPLAY_PREFIX);
}
