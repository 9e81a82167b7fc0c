// Just enough of the Bridge for stores and components: calls answered from a table, events pushed
// by the test.
import type { ClientRole, EventMap, EventName, MethodName, Params, Result } from '$common/contract';
import type { Bridge } from '../../src-renderer/src/lib/bridge.svelte';

type Answers = { [M in MethodName]?: (params: Params<M>) => Result<M> };

export class FakeBridge {
  readonly calls: Array<{ method: MethodName; params: unknown }> = [];
  private readonly listeners = new Map<string, Set<(payload: never) => void>>();
  state = 'open' as const;
  problem = null;
  transport: 'websocket' | 'electron' = 'websocket';
  role: ClientRole = 'teacher';

  constructor(private readonly answers: Answers) {}

  asBridge(): Bridge {
    return this as unknown as Bridge;
  }

  async call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    this.calls.push({ method, params });
    const answer = this.answers[method] as ((p: Params<M>) => Result<M>) | undefined;
    if (!answer) throw new Error(`no answer for ${method}`);
    return answer(params);
  }

  on<E extends EventName>(name: E, listener: (payload: EventMap[E]) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  recordingUrl(runId: string): string | null {
    return this.transport === 'websocket' ? `/download/recording?run=${runId}&token=t` : null;
  }

  onConnected(listener: () => void): () => void {
    listener();
    return () => undefined;
  }

  emit<E extends EventName>(name: E, payload: EventMap[E]): void {
    for (const listener of this.listeners.get(name) ?? [])
      (listener as (p: EventMap[E]) => void)(payload);
  }
}
