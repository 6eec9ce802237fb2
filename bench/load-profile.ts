/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: self time by
 * function (file:line:function), self time by module (Defuse's src/ files and Node's own
 * node: files one by one, each package as a whole), and inclusive time of Defuse's own functions. `npm run load --
 * --profile DIR` writes the service's profile and prints this; it also runs on its own:
 * `node bench/load-profile.ts FILE.cpuprofile [top]`.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRow {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  file: string;
  /** Whether only a window of the run was read (see summariseProfile). */
  window: boolean;
  totalMs: number;
  /** CPU busy (everything but "(idle)"), ms. */
  busyMs: number;
  selfByFunction: ProfileRow[];
  selfByModule: ProfileRow[];
  /** Self time by area: Defuse's engine, its store, each platform's SDK, Node's HTTP, GC, ... */
  selfByArea: ProfileRow[];
  /** Defuse's own (src/) functions, with everything they call. */
  inclusiveSrc: ProfileRow[];
}

/** The area a module (as `where` names it) belongs to. */
function areaOf(module: string): string {
  if (module.startsWith('src/core/') || module === 'src/engine.ts') return "Defuse coach engine (src/core)";
  if (module.startsWith('src/storage/')) return 'Defuse store (src/storage: node:sqlite calls included)';
  if (module.startsWith('src/slack/')) return 'Defuse Slack glue (src/slack)';
  if (module.startsWith('src/teams/')) return 'Defuse Teams glue (src/teams)';
  if (module.startsWith('src/')) return 'Defuse other (src/http, src/metrics, src/log, ...)';
  if (/^(@slack\/|axios$|form-data$|follow-redirects$|p-queue$|p-retry$|p-timeout$|eventemitter3$|is-stream$|raw-body$|tsscmp$|path-to-regexp$|express$|body-parser$)/.test(module)) return 'Slack SDK (@slack/bolt, @slack/web-api, axios, ...)';
  if (/^(botbuilder|botframework|@azure\/|@typespec\/|adaptivecards|jsonwebtoken|jose$|uuid$|dayjs$|@microsoft\/)/.test(module)) return 'Teams SDK (botbuilder, botframework-connector, @azure/*, ...)';
  if (module === 'zod') return 'zod';
  if (/^node:(_http_|http$|net$|internal\/(streams|http|net|stream_base|url|dns)|events$|stream$|buffer$|internal\/buffer)/.test(module) || /^(writev|writeLatin1String|writeUtf8String|writeBuffer|onStreamRead|readStop|readStart|close|shutdown)$/.test(module)) {
    return 'Node HTTP, sockets and streams (syscalls included)';
  }
  if (module.startsWith('node:internal/crypto') || module === 'node:crypto') return 'Node crypto (Slack request signatures)';
  if (module === '(garbage collector)') return 'garbage collector';
  if (module === '(program)' || module === 'runMicrotasks' || module === '(native/vm)' || module === '(root)') return 'V8/Node runtime (program, microtasks)';
  if (module.startsWith('node:')) return 'Node other (timers, modules, ...)';
  if (module.startsWith('wasm://')) return 'WebAssembly (undici/llhttp)';
  return `other: ${module}`;
}

const root = new URL('../', import.meta.url).pathname;

/** A short place for a script URL: src/… for Defuse, the package name for a dependency. */
function where(url: string): { file: string; module: string } {
  if (url === '') return { file: '', module: '(native/vm)' };
  let path = url.startsWith('file://') ? new URL(url).pathname : url;
  if (path.startsWith(root)) path = path.slice(root.length);
  const nm = path.lastIndexOf('node_modules/');
  if (nm !== -1) {
    const rest = path.slice(nm + 'node_modules/'.length).split('/');
    const pkg = rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
    return { file: path.slice(nm), module: pkg };
  }
  if (path.startsWith('node:')) return { file: path, module: path };
  if (path.startsWith('src/') || path.startsWith('bench/') || path.startsWith('test/')) return { file: path, module: path };
  return { file: path, module: path };
}

function label(f: CallFrame): string {
  const w = where(f.url);
  const fn = f.functionName || '(anonymous)';
  return w.file ? `${w.file}:${f.lineNumber + 1}:${fn}` : fn;
}

/**
 * `window`: only the samples taken between these two instants, in microseconds of the
 * monotonic clock (process.hrtime in any process on the machine; V8 stamps samples with the
 * same clock), so start-up and warm-up can be left out.
 */
export function summariseProfile(file: string, top = 25, window?: { fromUs: number; toUs: number }): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of p.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const self = new Map<string, number>();
  const module = new Map<string, number>();
  const area = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let at = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    at += p.timeDeltas[i] ?? 0;
    if (window && (at < window.fromUs || at > window.toUs)) continue;
    const ms = (p.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(p.samples[i]!);
    if (!node) continue;
    total += ms;
    if (node.callFrame.functionName === '(idle)') {
      idle += ms;
      continue;
    }
    const name = label(node.callFrame);
    self.set(name, (self.get(name) ?? 0) + ms);
    const m = node.callFrame.url === '' ? node.callFrame.functionName || '(native/vm)' : where(node.callFrame.url).module;
    module.set(m, (module.get(m) ?? 0) + ms);
    const a = areaOf(m);
    area.set(a, (area.get(a) ?? 0) + ms);
    // Inclusive time of src/ functions: each function once per sample, however deep it recurses.
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id)!.callFrame;
      if (!where(f.url).file.startsWith('src/')) continue;
      const l = label(f);
      if (seen.has(l)) continue;
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + ms);
    }
  }
  const busy = total - idle;
  const rows = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => ({ name, ms, share: busy > 0 ? ms / busy : 0 }));
  return { file, window: window !== undefined, totalMs: total, busyMs: busy, selfByFunction: rows(self, top), selfByModule: rows(module, top), selfByArea: rows(area, 20), inclusiveSrc: rows(inclusive, top) };
}

export function printProfile(s: ProfileSummary): void {
  const line = (r: ProfileRow) => `  ${r.ms.toFixed(0).padStart(8)} ms ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.name}`;
  console.log(`\nCPU profile of the service${s.window ? ' (measured window only)' : ''}: ${s.file}`);
  console.log(`  wall ${(s.totalMs / 1000).toFixed(1)} s, not idle ${(s.busyMs / 1000).toFixed(1)} s (${((s.busyMs / s.totalMs) * 100).toFixed(0)}%: running, or runnable and waiting for a core); shares below are of that time`);
  console.log('self time by area:');
  for (const r of s.selfByArea) console.log(line(r));
  console.log('self time by function (file:line:function):');
  for (const r of s.selfByFunction) console.log(line(r));
  console.log('self time by module (src/ and node: files one by one, each package as a whole):');
  for (const r of s.selfByModule) console.log(line(r));
  console.log("inclusive time of Defuse's own functions (src/):");
  for (const r of s.inclusiveSrc) console.log(line(r));
}

if (import.meta.main) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node bench/load-profile.ts FILE.cpuprofile [top]');
    process.exit(2);
  }
  printProfile(summariseProfile(file, Number(process.argv[3] ?? 25)));
}
