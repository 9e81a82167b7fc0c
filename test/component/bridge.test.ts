// The Bridge over a WebSocket: what it tells the user when the backend turns it away.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SHARE_ENDED_CLOSE_CODE } from '$common/share';
import { Bridge } from '../../src-renderer/src/lib/bridge.svelte';

class ScriptedSocket {
  static OPEN = 1;
  static last: ScriptedSocket | undefined;
  readyState = 0;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  constructor(readonly url: string) {
    ScriptedSocket.last = this;
  }
  send(): void {}
  open(): void {
    this.readyState = ScriptedSocket.OPEN;
    this.onopen?.();
  }
  receive(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  // 1006: the socket dropped without a close frame, as when the backend dies.
  close(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

const page = { location: new URL('http://127.0.0.1:4000/?token=abc') } as unknown as Window;

// The reconnect timers must not outlive the test (and open real sockets after it).
beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('Bridge over WebSocket', () => {
  it('says why the backend closed it (its connection limit) while it reconnects', () => {
    vi.stubGlobal('WebSocket', ScriptedSocket);
    const warn = vi.spyOn(console, 'warn');
    const bridge = new Bridge(page);
    const socket = ScriptedSocket.last as ScriptedSocket;
    expect(socket.url).toBe('ws://127.0.0.1:4000/api?token=abc');
    socket.open();
    socket.receive({
      kind: 'error',
      error: { code: 'unavailable', message: 'Procscope is already serving 16 connections.' },
    });
    socket.close();
    expect(bridge.state).toBe('reconnecting');
    expect(bridge.problem).toBe('Procscope is already serving 16 connections. Reconnecting…');
    expect(warn).not.toHaveBeenCalled();
  });

  it('says it lost the connection when the backend just went away', () => {
    vi.stubGlobal('WebSocket', ScriptedSocket);
    const bridge = new Bridge(page);
    const socket = ScriptedSocket.last as ScriptedSocket;
    socket.open();
    socket.close();
    expect(bridge.problem).toBe('Lost the connection to the Procscope backend. Reconnecting…');
  });

  it('reconnects after a drop, and stops for good when the teacher ends the share', () => {
    vi.stubGlobal('WebSocket', ScriptedSocket);
    const bridge = new Bridge(page);
    const first = ScriptedSocket.last as ScriptedSocket;
    first.open();
    first.close();
    vi.advanceTimersByTime(10_000);
    const second = ScriptedSocket.last as ScriptedSocket;
    expect(second).not.toBe(first);
    second.open();
    second.close(SHARE_ENDED_CLOSE_CODE);
    expect(bridge.state).toBe('ended');
    expect(bridge.problem).toBe('The teacher stopped sharing.');
    vi.advanceTimersByTime(60_000);
    expect(ScriptedSocket.last).toBe(second);
  });
});
