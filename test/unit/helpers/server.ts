// The real browser-mode server in a process of its own (from source, or the built bundle for the
// e2e tests), and a client that speaks the contract over its WebSocket. What the hardening tests
// measure — memory, event-loop delay, signals, what survives — belongs to that process alone.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { ServerMessage } from '../../../src-main/common/contract';

export const root = join(import.meta.dirname, '..', '..', '..');

export interface RunningServer {
  url: string;
  /** host:port as a client addresses it, IPv6 in brackets. */
  address: string;
  port: number;
  dataDir: string;
  origin: string;
  token: string;
  process: ChildProcess;
  output(): string;
  /** Resident memory of the server process, from /proc (Linux). */
  rssBytes(): number;
  stop(): Promise<void>;
}

export interface ServerOptions {
  args?: string[];
  /** 'source' runs src-main/server.ts through tsx (no build needed); 'bundle' runs out/main. */
  from?: 'source' | 'bundle';
  env?: NodeJS.ProcessEnv;
  dataDir?: string;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const entry =
    options.from === 'bundle'
      ? [join(root, 'out', 'main', 'server.js')]
      : ['--import', 'tsx', join(root, 'src-main', 'server.ts')];
  // A data directory of its own: tests must not read or leave settings and recordings in ~.
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'procscope-server-'));
  const child = spawn(process.execPath, [...entry, '--no-open', ...(options.args ?? [])], {
    cwd: root,
    env: { ...process.env, PROCSCOPE_DATA_DIR: dataDir, ...options.env },
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving at (\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  const parsed = new URL(url);
  return {
    url,
    address: parsed.host,
    port: Number(parsed.port),
    dataDir,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    process: child,
    output: () => output,
    rssBytes: () => rssOf(child.pid ?? 0),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        // A server that does not stop must not outlive its test.
        const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)/m.exec(status)?.[1];
  return Number(kb ?? 0) * 1024;
}

/** One WebSocket client of the contract: calls with ids, events queued as they come. */
export class ApiClient {
  readonly events: ServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private nextId = 1;
  private readonly waiting = new Map<number, (message: ServerMessage) => void>();
  private readonly errors: ServerMessage[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (message.kind === 'result') {
        this.waiting.get(message.id)?.(message);
        this.waiting.delete(message.id);
      } else if (message.kind === 'error') this.errors.push(message);
      else this.events.push(message);
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  static open(
    address: string,
    token: string,
    headers: Record<string, string> = {},
  ): Promise<ApiClient> {
    const ws = new WebSocket(`ws://${address}/api?token=${token}`, { headers });
    const client = new ApiClient(ws);
    return new Promise((resolve, reject) => {
      ws.on('open', () => resolve(client));
      ws.on('unexpected-response', (_request, response) =>
        reject(new Error(`HTTP ${response.statusCode}`)),
      );
      ws.on('error', reject);
    });
  }

  /** The reply to one call, however long the backend takes. */
  call(method: string, params: unknown = {}): Promise<ServerMessage> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(JSON.stringify({ kind: 'call', id, method, params }));
    });
  }

  /** The value of a call that must succeed. */
  async value<T>(method: string, params: unknown = {}): Promise<T> {
    const reply = await this.call(method, params);
    if (reply.kind !== 'result' || !reply.ok) {
      throw new Error(`${method} failed: ${JSON.stringify(reply)}`);
    }
    return reply.value as T;
  }

  /** Protocol-level errors the server sent (no call id to answer to). */
  protocolErrors(): ServerMessage[] {
    return this.errors;
  }

  close(): void {
    this.ws.terminate();
  }
}
