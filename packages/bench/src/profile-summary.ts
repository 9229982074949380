// Self and total time per function and per module from V8 CPU profiles (.cpuprofile, the JSON node writes with
// --cpu-prof): the samples name a node of the call tree each; a node's self time is the time of its samples, a
// function's or module's total time the time of the samples with it anywhere on their stack (counted once each).
import fs from 'node:fs';

export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

export interface TimeShare {
  name: string;
  ms: number;
}

export interface ProfileSummary {
  threads: number;
  /** Every sample's time, idle included. */
  sampledMs: number;
  /** Without `(idle)`: the time the thread was running (JavaScript, native code, GC, the rest of node). */
  busyMs: number;
  selfByModule: TimeShare[];
  totalByModule: TimeShare[];
  selfByFunction: TimeShare[];
  totalByFunction: TimeShare[];
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
}

/**
 * The module a frame belongs to: the npm package (from its node_modules path), the workspace app or package, a
 * node built-in, or V8's pseudo-frames ((program), (garbage collector), (idle), (root)).
 */
export function moduleOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(url);
  if (pkg) return pkg[1] ?? url;
  const workspace = /\/(apps|packages)\/([^/]+)\//.exec(url);
  if (workspace) return `${workspace[1]}/${workspace[2]}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0] === 'internal' ? 'internal' : url.slice(5)}`;
  return url;
}

function functionOf(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const { functionName, url, lineNumber } = frame;
  if (url === '') return functionName || '(anonymous)';
  const file = url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '');
  const short = file.replace(/^.*\/(apps|packages)\//, '$1/');
  return `${functionName || '(anonymous)'} ${short}:${lineNumber + 1}`;
}

export function summariseProfiles(profiles: readonly CpuProfile[]): ProfileSummary {
  const selfByModule = new Map<string, number>();
  const totalByModule = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const totalByFunction = new Map<string, number>();
  let sampledUs = 0;
  let idleUs = 0;
  const add = (m: Map<string, number>, k: string, us: number) => m.set(k, (m.get(k) ?? 0) + us);

  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    // Each node's stack as distinct function and module names, computed once per node.
    const stacks = new Map<number, { functions: Set<string>; modules: Set<string> }>();
    const stackOf = (id: number) => {
      let s = stacks.get(id);
      if (s) return s;
      s = { functions: new Set(), modules: new Set() };
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const frame = byId.get(at)?.callFrame;
        if (!frame || frame.functionName === '(root)') continue;
        s.functions.add(functionOf(frame));
        s.modules.add(moduleOf(frame.url, frame.functionName));
      }
      stacks.set(id, s);
      return s;
    };

    profile.samples.forEach((id, i) => {
      // timeDeltas[i] is the time from the previous sample to this one: the time this sample stands for.
      const us = profile.timeDeltas[i] ?? 0;
      const frame = byId.get(id)?.callFrame;
      if (!frame) return;
      sampledUs += us;
      if (frame.functionName === '(idle)') {
        idleUs += us;
        return;
      }
      add(selfByModule, moduleOf(frame.url, frame.functionName), us);
      add(selfByFunction, functionOf(frame), us);
      const stack = stackOf(id);
      for (const f of stack.functions) add(totalByFunction, f, us);
      for (const m of stack.modules) add(totalByModule, m, us);
    });
  }

  const sorted = (m: Map<string, number>): TimeShare[] =>
    [...m.entries()].map(([name, us]) => ({ name, ms: us / 1000 })).sort((a, b) => b.ms - a.ms);
  return {
    threads: profiles.length,
    sampledMs: sampledUs / 1000,
    busyMs: (sampledUs - idleUs) / 1000,
    selfByModule: sorted(selfByModule),
    totalByModule: sorted(totalByModule),
    selfByFunction: sorted(selfByFunction),
    totalByFunction: sorted(totalByFunction),
  };
}
