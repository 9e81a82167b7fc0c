// What the Timeline's message arrows are drawn from: each receive names its send, never earlier
// in time, and both ends of a Pipe name the same channel in every process.

import { afterAll, describe, expect, it } from 'vitest';
import type { IpcEvent } from '../../../src-main/common/lab';
import { LabSupervisor } from '../../../src-main/core/lab/supervisor';
import { fixture, ofKind, outputText, runToEnd } from './helpers/lab';

const supervisor = new LabSupervisor();
afterAll(() => supervisor.dispose());

/** Each receive with the send it names; fails if a receive names no recorded send. */
function pairs(sends: IpcEvent[], receives: IpcEvent[]): Array<[IpcEvent, IpcEvent]> {
  const byMsg = new Map(sends.map((send) => [send.msg, send]));
  return receives.map((receive) => {
    const send = byMsg.get(receive.msg);
    expect(send, `the send of ${receive.msg}`).toBeDefined();
    return [send as IpcEvent, receive];
  });
}

describe('message arrows', () => {
  for (const [through, send, receive] of [
    ['pipe', 'ipc.send', 'ipc.recv'],
    ['queue', 'ipc.put', 'ipc.get'],
  ] as const) {
    it(`a ${through} ping-pong: every receive is recorded after its send`, async () => {
      const { summary, events } = await runToEnd(supervisor, {
        file: fixture('ping_pong.py'),
        args: [through],
      });
      expect(summary.exitCode, outputText(events, 'stderr')).toBe(0);
      const matched = pairs(ofKind(events, send), ofKind(events, receive));
      // 25 numbers there and 25 back.
      expect(matched).toHaveLength(50);
      const backwards = matched.filter(([sent, received]) => received.t < sent.t);
      expect(backwards.map(([sent]) => sent.msg)).toEqual([]);
      // What each message carried, as Python writes it: the numbers 0…24, there and back.
      const values = matched.map(([sent]) => sent.value);
      expect(new Set(values)).toEqual(new Set(Array.from({ length: 25 }, (_, n) => String(n))));
      expect(matched.every(([, received]) => received.value === undefined)).toBe(true);
    });
  }

  for (const method of ['fork', 'spawn', 'forkserver']) {
    it(`both ends of a Pipe name one channel (${method}); two Pipes, two channels`, async () => {
      const { summary, events } = await runToEnd(supervisor, {
        file: fixture('pipe_channels.py'),
        args: [method],
      });
      expect(summary.exitCode, outputText(events, 'stderr')).toBe(0);
      expect(outputText(events)).toBe('2\n4\n');
      const sends = ofKind(events, 'ipc.send');
      const receives = ofKind(events, 'ipc.recv');
      for (const [sent, received] of pairs(sends, receives)) {
        expect(received.pid).not.toBe(sent.pid);
        expect(received.channel).toBe(sent.channel);
      }
      // Each Pipe carried one message each way: a send and a receive in both processes.
      const channels = new Set(sends.map(({ channel }) => channel));
      expect(channels.size).toBe(2);
      for (const channel of channels) {
        const onChannel = [...sends, ...receives].filter((e) => e.channel === channel);
        expect(onChannel).toHaveLength(4);
        expect(new Set(onChannel.map(({ pid }) => pid)).size).toBe(2);
      }
    });
  }
});
