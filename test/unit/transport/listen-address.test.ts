import { describe, expect, it } from 'vitest';
import { ListenAddress } from '../../../src-main/transport/listen-address';

describe('ListenAddress.socketSources', () => {
  it('names the page socket under every IPv4 and host name, and no IPv6 literal', () => {
    // A CSP host-source cannot be an IPv6 literal: Chromium logs "invalid source" for one.
    const sources = new ListenAddress('127.0.0.1', '127.0.0.1', 4242).socketSources().split(' ');
    expect(sources).toEqual(
      expect.arrayContaining(["'self'", 'ws://127.0.0.1:4242', 'ws://localhost:4242']),
    );
    expect(sources.filter((source) => source.includes('['))).toEqual([]);
  });
});
