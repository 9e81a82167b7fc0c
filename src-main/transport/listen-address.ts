// Which names a listener answers to. A browser page reached through a foreign name — DNS
// rebinding points evil.example at 127.0.0.1 — still carries that name in its Host header, so
// requests are served only when Host (and, for sockets, Origin) names the address we listen on.
import { networkInterfaces, hostname } from 'node:os';

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/** 127.0.0.0/8, ::1, an IPv4-mapped 127.x, or the name localhost. */
export function isLoopbackAddress(address: string): boolean {
  const bare = unbracket(address).toLowerCase();
  return (
    bare === 'localhost' ||
    bare === '::1' ||
    /^127\.\d+\.\d+\.\d+$/.test(bare) ||
    /^::ffff:127\.\d+\.\d+\.\d+$/.test(bare)
  );
}

export class ListenAddress {
  /** host:port values a request may carry in its Host header, lowercase, IPv6 in brackets. */
  readonly hosts: ReadonlySet<string>;
  readonly loopback: boolean;
  /** The address to print and to open, with the host as the user gave it. */
  readonly origin: string;

  /** `host` as given on the command line; `bound` is what the socket actually listens on. */
  constructor(host: string, bound: string, port: number) {
    this.loopback = isLoopbackAddress(bound);
    this.origin = `http://${hostPort(host, port)}`;
    const names = new Set([host, bound]);
    if (this.loopback) for (const name of ['127.0.0.1', 'localhost', '::1']) names.add(name);
    if (WILDCARDS.has(bound)) {
      // Listening everywhere: any address of this machine, and its own names, reach it.
      for (const name of ['127.0.0.1', 'localhost', '::1', hostname(), `${hostname()}.local`]) {
        names.add(name);
      }
      for (const entries of Object.values(networkInterfaces())) {
        for (const entry of entries ?? []) names.add(entry.address);
      }
    }
    this.hosts = new Set(
      [...names]
        .filter((name) => !WILDCARDS.has(name))
        .map((name) => hostPort(name, port).toLowerCase()),
    );
  }

  allowsHost(header: string | undefined): boolean {
    return header !== undefined && this.hosts.has(header.toLowerCase());
  }

  /** No Origin: not a browser page (browsers always send one on WebSocket handshakes). */
  allowsOrigin(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    const host = /^http:\/\/([^/]+)$/i.exec(origin)?.[1];
    return host !== undefined && this.allowsHost(host);
  }

  /**
   * CSP connect-src: the page's own socket under every name it may have been loaded by. CSP has
   * no syntax for IPv6 literals; there 'self' alone covers the socket (CSP 3 lets it match ws:).
   */
  socketSources(): string {
    const named = [...this.hosts].filter((host) => !host.startsWith('['));
    return ["'self'", ...named.map((host) => `ws://${host}`)].join(' ');
  }
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function hostPort(host: string, port: number): string {
  const bare = unbracket(host);
  return bare.includes(':') ? `[${bare}]:${port}` : `${bare}:${port}`;
}
