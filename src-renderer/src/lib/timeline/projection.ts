// Derives the picture from the facts: lanes in display order, the phases of each process and
// thread, waits, tasks, arrows, markers on their lanes, CPU series. Runs on every build, so it
// is O(facts) with maps for every lookup; see layout.ts for why ingesting and projecting are
// separate.

import type { ObjectId } from '$common/lab';
import type { Facts, ProcFacts, ProcObjFacts, ThreadObjFacts } from './facts';
import { push } from './facts';
import type {
  CpuSeries,
  LaneContent,
  TimelineArrow,
  TimelineLane,
  TimelineLayout,
  TimelineMarker,
  TimelineSpan,
} from './layout';
import { exitText, processName } from '../process-names';
import {
  lines,
  min,
  objectLaneId,
  processLaneId,
  shortName,
  threadLaneId,
  threadObjLaneId,
  where,
} from './names';
import { formatMicros } from './units';

interface ProcessNode {
  lane: TimelineLane;
  facts: ProcFacts | null;
  obj: ProcObjFacts | null;
  sortKey: number;
  parent: ProcessNode | null;
  children: ProcessNode[];
  threads: TimelineLane[];
  exit: { t: number; code: number | null } | null;
}

export class Projection {
  private lanes: TimelineLane[] = [];
  private spans: TimelineSpan[] = [];
  private markers: TimelineMarker[] = [];
  private arrows: TimelineArrow[] = [];
  private content = new Map<string, LaneContent>();
  private nodes: ProcessNode[] = [];
  private byPid = new Map<number, ProcessNode>();
  private byObj = new Map<ObjectId, ProcessNode>();
  private threadLanes = new Map<string, TimelineLane>();
  /** "pid|object id" → thread lane id, and back. */
  private threadByObj = new Map<string, string>();
  private objByThread = new Map<string, ThreadObjFacts>();
  /** pid → native tid → lane id: looked up for every wait, task and message. */
  private tidLanes = new Map<number, Map<number, string>>();

  constructor(private readonly f: Facts) {}

  /** Processes whose interpreter joined children by itself at exit (join calls with no caller). */
  private joinsAtExit = new Set<number>();

  run(): TimelineLayout {
    for (const wait of this.f.waits) if (wait.atExit) this.joinsAtExit.add(wait.pid);
    const roots = this.processes();
    const threadsByPid = new Map<number, ThreadObjFacts[]>();
    for (const thread of this.f.threadObjs.values()) push(threadsByPid, thread.pid, thread);
    for (const node of this.byPid.values())
      if (node.lane.pid !== null)
        this.threads(node, node.lane.pid, threadsByPid.get(node.lane.pid) ?? []);
    for (const root of roots) this.flatten(root, 0);
    for (const node of this.nodes) this.phases(node);
    this.threadPhases();
    this.waits();
    this.tasks();
    this.ipc();
    this.resolveMarkers();
    this.cpu();
    for (const content of this.content.values()) {
      sortBy(content.spans, (span) => span.start);
      sortBy(content.markers, (marker) => marker.t);
      sortBy(content.sends, (arrow) => arrow.t0);
    }
    return {
      lanes: this.lanes,
      byId: new Map(this.lanes.map((lane) => [lane.id, lane])),
      spans: this.spans,
      markers: this.markers,
      arrows: this.arrows,
      content: this.content,
      end: this.f.end,
      ended: this.f.ended,
      events: this.f.count,
      cores: this.f.cores as CpuSeries[],
      totalCpu: this.f.totalCpu,
      ...this.script(),
    };
  }

  /** The main script's span: from its tracer's hello (or the root's first sign) to its end. */
  private script(): { scriptStart: number | null; scriptEnd: number | null } {
    const root = this.f.rootPid === null ? undefined : this.f.procs.get(this.f.rootPid);
    return {
      scriptStart: root ? (root.attached ?? root.firstSeen) : null,
      scriptEnd: root?.scriptEnd ?? null,
    };
  }

  private slot(lane: string): LaneContent {
    let content = this.content.get(lane);
    if (!content)
      this.content.set(lane, (content = { spans: [], markers: [], cpu: [], sends: [] }));
    return content;
  }

  private addSpan(span: TimelineSpan): void {
    this.spans.push(span);
    this.slot(span.lane).spans.push(span);
  }

  /** One node per Process object and per OS process not claimed by one, linked to parents. */
  private processes(): ProcessNode[] {
    const { procs, procObjs, rootPid } = this.f;
    const claimed = new Map<number, ProcObjFacts>();
    for (const obj of procObjs.values()) if (obj.childPid !== null) claimed.set(obj.childPid, obj);
    for (const facts of procs.values()) {
      const obj = facts.obj ? procObjs.get(facts.obj) : undefined;
      if (obj && !claimed.has(facts.pid)) claimed.set(facts.pid, obj);
    }

    const nodes = this.nodes;
    for (const obj of procObjs.values()) {
      const pid = obj.childPid;
      const facts = pid === null ? null : (procs.get(pid) ?? null);
      const name = processName({
        objectName: obj.name || null,
        tracedRoot: false,
        command: facts?.command ?? [],
        pid,
      });
      const node = this.node(objectLaneId(obj.id), name, pid, facts, obj);
      this.byObj.set(obj.id, node);
      if (pid !== null && claimed.get(pid) === obj) this.byPid.set(pid, node);
      nodes.push(node);
    }
    for (const facts of procs.values()) {
      if (claimed.has(facts.pid)) continue;
      const name = processName({
        objectName: null,
        tracedRoot: facts.pid === rootPid && facts.role === 'main',
        command: facts.command ?? [],
        pid: facts.pid,
      });
      const node = this.node(processLaneId(facts.pid), name, facts.pid, facts, null);
      this.byPid.set(facts.pid, node);
      nodes.push(node);
    }

    const roots: ProcessNode[] = [];
    for (const node of nodes) {
      const parentPid = node.obj?.creatorPid ?? node.facts?.ppid ?? null;
      const parent = parentPid === null ? undefined : this.byPid.get(parentPid);
      // A pid reused inside one run could make a node its own ancestor: keep it at the top.
      if (parent && !isAncestor(node, parent)) {
        parent.children.push(node);
        node.parent = parent;
        node.lane.parent = parent.lane.id;
      } else roots.push(node);
    }
    return roots;
  }

  private node(
    id: string,
    name: string,
    pid: number | null,
    facts: ProcFacts | null,
    obj: ProcObjFacts | null,
  ): ProcessNode {
    const detail = lines(
      obj?.target && `target ${shortName(obj.target)}${obj.args ? ` args ${obj.args}` : ''}`,
      obj?.method && `${obj.method} start method${obj.daemon ? ', daemon' : ''}`,
      obj?.createdAt && `created ${where(obj.createdAt)}`,
      facts?.python && `Python ${facts.python}`,
      !obj && facts?.command && facts.command.join(' '),
    );
    return {
      lane: {
        id,
        kind: 'process',
        name,
        pid,
        ppid: facts?.ppid ?? null,
        tid: null,
        parent: null,
        depth: 0,
        internal: false,
        detail,
        cpuPeak: 0,
      },
      facts,
      obj,
      sortKey: min(obj?.created ?? null, facts?.firstSeen ?? null) ?? 0,
      parent: null,
      children: [],
      threads: [],
      exit: null,
    };
  }

  /** The main thread first, then Python threads by start, then threads seen only by the OS. */
  private threads(node: ProcessNode, pid: number, objs: ThreadObjFacts[]): void {
    const known = new Map<number, string>();
    this.tidLanes.set(pid, known);
    const add = (tid: number | null, name: string, obj: ThreadObjFacts | null): void => {
      if (tid !== null && known.has(tid)) return;
      const id = tid === null ? threadObjLaneId(pid, obj?.id ?? '') : threadLaneId(pid, tid);
      if (tid !== null) known.set(tid, id);
      const lane: TimelineLane = {
        id,
        kind: 'thread',
        name,
        pid,
        ppid: null,
        tid,
        parent: node.lane.id,
        depth: 0,
        internal: obj?.internal ?? false,
        detail: obj ? lines(`target ${shortName(obj.target)}`, obj.daemon && 'daemon') : '',
        cpuPeak: 0,
      };
      node.threads.push(lane);
      this.threadLanes.set(id, lane);
      if (obj) {
        this.threadByObj.set(`${pid}|${obj.id}`, id);
        this.objByThread.set(id, obj);
      }
    };
    const main = node.facts?.mainTid ?? null;
    if (main !== null) add(main, 'MainThread', null);
    sortBy(objs, (thread) => thread.created ?? thread.started ?? 0);
    for (const thread of objs) add(thread.tid, thread.name, thread);
    const observed = this.f.threadCpu.get(pid);
    // Threads the tracer never reported (an untraced program, C code's own threads). On Linux
    // the main thread's native id is the pid; elsewhere such a thread keeps its number.
    if (observed)
      for (const tid of observed.keys())
        add(tid, tid === pid ? 'MainThread' : `thread ${tid}`, null);
  }

  private flatten(node: ProcessNode, depth: number): void {
    node.lane.depth = depth;
    this.lanes.push(node.lane);
    for (const thread of node.threads) {
      thread.depth = depth;
      this.lanes.push(thread);
    }
    sortBy(node.children, (child) => child.sortKey);
    for (const child of node.children) this.flatten(child, depth + 1);
  }

  /** New (object created, no OS process yet) → Running → [Exiting] → Terminated. */
  private phases(node: ProcessNode): void {
    const { facts, obj, lane } = node;
    const started = min(obj?.started ?? null, facts?.firstSeen ?? null);
    // The OS's word on when it ended is best; the child's own report comes just before it
    // exits; the parent only learns at join()/is_alive(), possibly much later.
    const exitT = facts?.exited?.t ?? obj?.childExit?.t ?? obj?.parentExit?.t ?? null;
    // For the code it is the other way round: a child killed by a signal cannot report it.
    const root = facts !== null && facts.pid === this.f.rootPid ? this.f.rootExit : null;
    const code =
      obj?.parentExit?.code ?? facts?.exited?.code ?? obj?.childExit?.code ?? root ?? null;
    node.exit = exitT === null ? null : { t: exitT, code };
    const name = lane.name;

    if (obj && obj.created !== null)
      this.addSpan({
        lane: lane.id,
        kind: 'new',
        start: obj.created,
        end: started,
        label: 'New',
        detail: lines(
          `${name} = Process(target=${shortName(obj.target) || '…'}) — created, no OS process yet`,
          started === null
            ? 'start() was never called'
            : `waited ${formatMicros(started - obj.created)} for start()`,
        ),
      });
    if (started === null) return;
    const scriptEnd = facts?.scriptEnd ?? null;
    const runEnd = scriptEnd !== null && (exitT === null || scriptEnd < exitT) ? scriptEnd : exitT;
    this.addSpan({
      lane: lane.id,
      kind: 'running',
      start: started,
      end: runEnd,
      label: 'Running',
      detail: lines(
        lane.pid !== null && `pid ${lane.pid}`,
        obj?.target && `running ${shortName(obj.target)}`,
      ),
    });
    if (runEnd !== exitT && scriptEnd !== null)
      this.addSpan({
        lane: lane.id,
        kind: 'exiting',
        start: scriptEnd,
        end: exitT,
        label: this.joinsAtExit.has(lane.pid ?? -1)
          ? 'Script finished · waiting for children at exit'
          : 'Script finished · exiting',
        detail:
          'The main module has finished. Before the process can end, the interpreter joins the non-daemon child processes and threads that are still running.',
      });
    if (exitT === null) return;
    const status = exitText(code, null, obj?.exception ?? null);
    this.addSpan({
      lane: lane.id,
      kind: 'terminated',
      start: exitT,
      end: null,
      label: 'Terminated',
      detail: `The process has ended (${status}); its Process object remembers the exit code.`,
      exitCode: code,
    });
    this.slot(lane.id).markers.push(
      this.marker({
        lane: lane.id,
        kind: 'exit',
        t: exitT,
        label: status,
        detail: `${name} ended after running ${formatMicros(exitT - started)}`,
        value: status,
        exitCode: code,
      }),
    );
  }

  private marker(marker: TimelineMarker): TimelineMarker {
    this.markers.push(marker);
    return marker;
  }

  private processExit(pid: number): number | null {
    return this.byPid.get(pid)?.exit?.t ?? null;
  }

  private threadPhases(): void {
    for (const node of this.byPid.values()) {
      const pid = node.lane.pid;
      if (pid === null) continue;
      const exit = node.exit?.t ?? null;
      for (const lane of node.threads) {
        const obj = this.objByThread.get(lane.id);
        if (!obj) {
          if (lane.tid !== null && lane.tid === node.facts?.mainTid) {
            const running = this.content.get(node.lane.id)?.spans.find((s) => s.kind === 'running');
            if (running)
              this.addSpan({
                lane: lane.id,
                kind: 'running',
                start: running.start,
                end: exit,
                label: 'Running',
                detail: 'runs the main module, then waits at exit',
              });
          }
          continue;
        }
        if (obj.created !== null)
          this.addSpan({
            lane: lane.id,
            kind: 'new',
            start: obj.created,
            end: obj.started ?? exit,
            label: 'New',
            detail:
              obj.started === null
                ? 'the Thread object exists; start() was never called'
                : 'the Thread object exists; it runs once start() is called',
          });
        if (obj.started !== null)
          this.addSpan({
            lane: lane.id,
            kind: 'running',
            start: obj.started,
            end: obj.finished ?? exit,
            label: 'Running',
            detail: lines(
              `target ${shortName(obj.target)}`,
              obj.finished === null && exit !== null && 'daemon thread stopped by the process exit',
            ),
          });
      }
    }
  }

  private threadLane(pid: number, tid: number | null): string {
    const lane = tid === null ? undefined : this.tidLanes.get(pid)?.get(tid);
    return lane ?? this.byPid.get(pid)?.lane.id ?? processLaneId(pid);
  }

  private objectName(
    what: 'process' | 'thread' | 'pause',
    pid: number,
    id: ObjectId | null,
  ): string {
    if (id === null) return '';
    if (what === 'process') return this.byObj.get(id)?.lane.name ?? id;
    const lane = this.threadByObj.get(`${pid}|${id}`);
    return (lane && this.threadLanes.get(lane)?.name) ?? id;
  }

  private waits(): void {
    for (const wait of this.f.waits) {
      const name = this.objectName(wait.what, wait.pid, wait.target);
      const end = wait.end ?? this.processExit(wait.pid);
      if (wait.kind === 'paused') {
        this.addSpan({
          lane: this.threadLane(wait.pid, wait.tid),
          kind: 'paused',
          start: wait.start,
          end,
          label: `paused at ${wait.call}()`,
          detail: lines(`step mode: waiting for Step or Continue`, where(wait.at)),
        });
        continue;
      }
      const timeout = wait.timeout === null ? '' : `, timeout=${wait.timeout}`;
      const outcome =
        wait.end === null
          ? `still waiting for ${name} to end`
          : wait.ended === false
            ? 'returned because of the timeout; the target is still running'
            : wait.what === 'process'
              ? `${name} had ended: ${exitText(wait.exitCode)}`
              : `${name} had ended`;
      this.addSpan({
        lane: this.threadLane(wait.pid, wait.tid),
        kind: 'waiting',
        start: wait.start,
        end,
        label: `join(${name}${timeout})${wait.atExit ? ' at exit' : ''}${wait.ended === false ? ' timed out' : ''}`,
        detail: lines(
          wait.atExit
            ? 'multiprocessing joins the remaining children by itself when the main module ends'
            : where(wait.at),
          outcome,
        ),
      });
    }
  }

  private tasks(): void {
    for (const run of this.f.taskRuns) {
      const submitted = this.f.tasks.get(run.task);
      const func = submitted ? shortName(submitted.func) : 'task';
      const lane = this.threadLane(run.pid, run.tid);
      const label = `${func}[${run.index}]`;
      this.addSpan({
        lane,
        kind: 'task',
        start: run.start,
        end: run.end ?? this.processExit(run.pid),
        label,
        detail: run.ok === false ? `raised ${run.error ?? ''}` : 'pool task',
      });
      if (submitted)
        this.arrows.push({
          kind: 'task',
          from: this.threadLane(submitted.pid, submitted.tid),
          to: lane,
          t0: submitted.t,
          t1: run.start,
          label: `${label} sent to a worker`,
        });
    }
  }

  private ipc(): void {
    for (const receive of this.f.receives) {
      const send = receive.msg === null ? undefined : this.f.sends.get(receive.msg);
      if (!send) continue;
      const queue = send.kind === 'ipc.put';
      const arrow: TimelineArrow = {
        kind: 'ipc',
        from: this.threadLane(send.pid, send.tid ?? null),
        to: this.threadLane(receive.pid, receive.tid ?? null),
        t0: send.t,
        t1: receive.t,
        label: queue ? 'Queue put → get' : 'Pipe send → recv',
        ...(send.value === undefined ? {} : { value: send.value }),
      };
      this.arrows.push(arrow);
      if (arrow.value !== undefined) this.slot(arrow.from).sends.push(arrow);
    }
  }

  private resolveMarkers(): void {
    for (const place of this.f.placements) {
      const { marker, obj, onThread } = place;
      let lane: string | undefined;
      if (obj?.type === 'process') lane = this.byObj.get(obj.id)?.lane.id;
      else if (obj?.type === 'thread') lane = this.threadByObj.get(`${place.pid}|${obj.id}`);
      lane ??= onThread
        ? this.threadLane(place.pid, place.tid)
        : this.byPid.get(place.pid)?.lane.id;
      marker.lane = lane ?? processLaneId(place.pid);
      this.marker(marker);
      this.slot(marker.lane).markers.push(marker);
      // A signal is something one process does to another: show who sent it, and to whom.
      if (
        (marker.kind === 'terminate' || marker.kind === 'kill' || marker.kind === 'start') &&
        lane
      )
        this.arrows.push({
          kind: marker.kind === 'start' ? 'start' : 'signal',
          from: this.threadLane(place.pid, place.tid),
          to: lane,
          t0: marker.t,
          t1: marker.t,
          label: marker.label,
        });
    }
  }

  private cpu(): void {
    for (const [pid, points] of this.f.procCpu) {
      const node = this.byPid.get(pid);
      if (node) this.attachCpu(node.lane, points);
    }
    for (const [pid, threads] of this.f.threadCpu)
      for (const [tid, points] of threads) {
        const lane = this.threadLanes.get(threadLaneId(pid, tid));
        if (lane) this.attachCpu(lane, points);
      }
  }

  private attachCpu(lane: TimelineLane, series: CpuSeries): void {
    // Shared, not copied: the builder only ever appends (samples arrive in time order), and a
    // layout is replaced by the next build before anyone could mind seeing newer samples.
    this.slot(lane.id).cpu = series;
    for (let i = 2; i < series.length; i += 3)
      if ((series[i] ?? 0) > lane.cpuPeak) lane.cpuPeak = series[i] ?? 0;
  }
}

function isAncestor(node: ProcessNode, of: ProcessNode): boolean {
  for (let at: ProcessNode | null = of, hops = 0; at && hops < 256; at = at.parent, hops++)
    if (at === node) return true;
  return false;
}

/** Stable in-place sort by a numeric key that skips the work when already in order. */
function sortBy<T>(list: T[], key: (item: T) => number): void {
  for (let i = 1; i < list.length; i++) {
    if (key(list[i - 1] as T) > key(list[i] as T)) {
      list.sort((a, b) => key(a) - key(b));
      return;
    }
  }
}
