/**
 * Packaging, checked without a Docker engine (none runs on these machines).
 *
 * - The Dockerfile is parsed and held to the image policy (multi-stage, a pinned Node 24 slim
 *   base, production dependencies only, an unprivileged user, a health check, no secret baked
 *   in). Then its final image is reproduced in a temporary directory by performing its steps:
 *   the files its COPY lines name (through .dockerignore), the deps stage's `npm ci` as written,
 *   its RUN lines; its CMD is started with its ENV and its own HEALTHCHECK command is run until
 *   it passes; SIGTERM must then end the process cleanly.
 * - docker-compose.yml is interpolated the way Docker Compose does it, validated against a zod
 *   schema of the part of the Compose specification it uses, and held to the reference layout
 *   (two replicas on one PostgreSQL, nginx in front, no secret inline); deploy/nginx.conf is
 *   parsed to check what it publishes.
 *
 * Each policy is a function returning its problems, shown to find them in a bad example too.
 */
import { freePort } from '../support/service-harness.ts';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, matchesGlob, posix, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const root = new URL('../../', import.meta.url).pathname;
const read = (rel: string) => readFileSync(join(root, rel), 'utf8');

// ---------------------------------------------------------------------------------------------
// A Dockerfile parser: instructions with `\` continuations, comments (also inside a
// continuation), flags (--from=, --chown=, --interval=, ...), exec-form JSON arrays, stages.

interface Instruction {
  keyword: string;
  flags: Record<string, string>;
  /** The text after the keyword and its flags (for HEALTHCHECK: after `CMD`). */
  args: string;
  /** The exec form (a JSON array), when the instruction is written that way. */
  exec: string[] | undefined;
  line: number;
}

interface Stage {
  index: number;
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

interface Dockerfile {
  /** ARG lines before the first FROM. */
  globalArgs: Instruction[];
  stages: Stage[];
}

const KEYWORDS = new Set(['FROM', 'RUN', 'CMD', 'LABEL', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER', 'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL', 'MAINTAINER']);
const WITH_FLAGS = new Set(['FROM', 'RUN', 'COPY', 'ADD', 'HEALTHCHECK']);
const EXEC_FORM = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK', 'SHELL', 'VOLUME', 'COPY', 'ADD']);

function parseDockerfile(source: string): Dockerfile {
  const logical: { text: string; line: number }[] = [];
  let pending = '';
  let start = 0;
  source.split(/\r?\n/).forEach((raw, i) => {
    const trimmed = raw.trim();
    // Comment lines (parser directives such as `# syntax=` included) are dropped, even in the
    // middle of a continued instruction, as Docker does; so are empty lines.
    if (trimmed.startsWith('#') || trimmed === '') return;
    if (pending === '') start = i + 1;
    if (/\\\s*$/.test(raw)) {
      pending += `${raw.replace(/\\\s*$/, '')} `;
      return;
    }
    logical.push({ text: (pending + raw).trim(), line: start });
    pending = '';
  });
  if (pending !== '') throw new Error(`line ${start}: the last instruction ends in a line continuation`);

  const result: Dockerfile = { globalArgs: [], stages: [] };
  for (const { text, line } of logical) {
    const m = /^(\S+)\s*([\s\S]*)$/.exec(text)!;
    const keyword = m[1]!.toUpperCase();
    let rest = m[2]!;
    if (!KEYWORDS.has(keyword)) throw new Error(`line ${line}: unknown instruction ${m[1]}`);
    const flags: Record<string, string> = {};
    if (WITH_FLAGS.has(keyword)) {
      for (let f = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest); f; f = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest)) {
        flags[f[1]!] = f[2] ?? 'true';
        rest = rest.slice(f[0].length);
      }
    }
    if (keyword === 'HEALTHCHECK' && rest !== 'NONE') {
      if (!/^CMD\s/i.test(rest)) throw new Error(`line ${line}: HEALTHCHECK needs CMD or NONE`);
      rest = rest.replace(/^CMD\s+/i, '');
    }
    let exec: string[] | undefined;
    if (EXEC_FORM.has(keyword) && rest.startsWith('[')) {
      const parsed = z.array(z.string()).safeParse(JSON.parse(rest));
      if (!parsed.success) throw new Error(`line ${line}: ${keyword}'s JSON form must be an array of strings`);
      exec = parsed.data;
    }
    const instruction: Instruction = { keyword, flags, args: rest.trim(), exec, line };
    if (keyword === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest.trim());
      if (!f) throw new Error(`line ${line}: FROM needs an image, optionally "AS name"`);
      result.stages.push({ index: result.stages.length, from: f[1]!, name: f[2], instructions: [] });
    } else if (result.stages.length === 0) {
      if (keyword !== 'ARG') throw new Error(`line ${line}: only ARG may come before the first FROM`);
      result.globalArgs.push(instruction);
    } else {
      result.stages.at(-1)!.instructions.push(instruction);
    }
  }
  return result;
}

/** ENV's `NAME=value ...` pairs (values may be quoted) or its legacy `NAME value` form. */
function envPairs(args: string): [string, string][] {
  if (!/^[^\s=]+=/.test(args)) {
    const legacy = /^(\S+)\s+([\s\S]*)$/.exec(args);
    return legacy ? [[legacy[1]!, legacy[2]!]] : [];
  }
  const pairs: [string, string][] = [];
  const re = /\s*([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/y;
  for (let m = re.exec(args); m; m = re.exec(args)) {
    const v = m[2]!;
    pairs.push([m[1]!, /^["']/.test(v) ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v]);
    if (re.lastIndex >= args.length) break;
  }
  return pairs;
}

/** ARG's `NAME` or `NAME=default` words. */
function argPairs(args: string): [string, string | undefined][] {
  return args.split(/\s+/).filter((w) => w !== '').map((w) => {
    const at = w.indexOf('=');
    return at < 0 ? [w, undefined] : [w.slice(0, at), w.slice(at + 1).replace(/^(["'])(.*)\1$/, '$2')];
  });
}

/** The words of COPY, EXPOSE, VOLUME: the exec form's array or the shell form's words. */
const words = (i: Instruction): string[] => i.exec ?? i.args.split(/\s+/).filter((w) => w !== '');

const finalStage = (d: Dockerfile): Stage => d.stages.at(-1)!;
const all = (s: Stage, keyword: string) => s.instructions.filter((i) => i.keyword === keyword);
const stageEnv = (s: Stage): Record<string, string> => Object.fromEntries(all(s, 'ENV').flatMap((i) => envPairs(i.args)));

// ---------------------------------------------------------------------------------------------
// The image policy.

const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|KEY/i;
const EXPECTED_ENV = { NODE_ENV: 'production', DATA_DIR: '/data', PORT: '3978' };

function dockerfileProblems(d: Dockerfile): string[] {
  const problems: string[] = [];
  if (d.stages.length === 0) return ['no FROM'];
  const final = finalStage(d);
  if (d.stages.length < 2) problems.push('not multi-stage: dependencies must be installed in a stage of their own');
  if (!/^node:24\.\d+\.\d+-(?:[a-z]+-)?slim$/.test(final.from)) problems.push(`the final stage is FROM ${final.from}, not a pinned node:24.x.y slim image`);

  const user = all(final, 'USER').at(-1)?.args;
  if (user === undefined || /^(root|0)(:|$)/.test(user)) problems.push(`the final stage runs as ${user ?? 'root (no USER)'}`);

  const health = all(final, 'HEALTHCHECK').at(-1);
  if (health === undefined || health.args === 'NONE') problems.push('no HEALTHCHECK in the final stage');
  else if (!(health.exec ?? [health.args]).join(' ').includes('/healthz')) problems.push('the HEALTHCHECK does not call /healthz');

  // Secrets: no ENV or ARG with a secret-looking name and a value, no .env file copied.
  const named: [Instruction, string, string | undefined][] = [
    ...d.globalArgs.flatMap((i) => argPairs(i.args).map(([n, v]) => [i, n, v] as [Instruction, string, string | undefined])),
    ...d.stages.flatMap((s) =>
      s.instructions.flatMap((i) =>
        i.keyword === 'ENV' ? envPairs(i.args).map(([n, v]) => [i, n, v] as [Instruction, string, string | undefined]) : i.keyword === 'ARG' ? argPairs(i.args).map(([n, v]) => [i, n, v] as [Instruction, string, string | undefined]) : [],
      ),
    ),
  ];
  for (const [i, name, v] of named) {
    if (SECRET_NAME.test(name) && v !== undefined && v !== '') problems.push(`${i.keyword} ${name} (line ${i.line}) bakes a secret into the image`);
  }
  for (const s of d.stages) {
    for (const c of [...all(s, 'COPY'), ...all(s, 'ADD')]) {
      if (c.flags.from === undefined && words(c).slice(0, -1).some((w) => /(^|\/)\.env(\.|$)/.test(w) || w === '.')) {
        problems.push(`${c.keyword} at line ${c.line} copies a .env file or the whole context`);
      }
    }
  }

  // Dependencies: `npm ci --omit=dev` in an earlier stage, only its node_modules in the final one.
  const runs = d.stages.flatMap((s) => all(s, 'RUN').map((i) => ({ s, i })));
  for (const { i } of runs) if (/\bnpm\s+(install|i|add)\b/.test(i.args)) problems.push(`RUN npm install at line ${i.line}: use npm ci, which installs the lockfile`);
  const ci = runs.find(({ s, i }) => s !== final && /\bnpm\s+ci\b/.test(i.args));
  if (ci === undefined) problems.push('no stage before the final one runs npm ci');
  else {
    if (!/--omit=dev\b/.test(ci.i.args)) problems.push(`npm ci at line ${ci.i.line} installs dev dependencies (no --omit=dev)`);
    const copied = all(final, 'COPY').some((c) => c.flags.from !== undefined && [ci.s.name, String(ci.s.index)].includes(c.flags.from) && words(c).slice(0, -1).some((w) => basename(w) === 'node_modules'));
    if (!copied) problems.push('the final stage does not take node_modules from the npm ci stage');
  }
  if (all(final, 'RUN').some((i) => /\bnpm\b/.test(i.args))) problems.push('the final stage runs npm');

  // Run time: the environment, the data volume (owned by the runtime user), port and CMD.
  const env = stageEnv(final);
  for (const [k, v] of Object.entries(EXPECTED_ENV)) if (env[k] !== v) problems.push(`ENV ${k} is ${env[k] ?? 'unset'}, expected ${v}`);
  const volumes = all(final, 'VOLUME').flatMap(words);
  if (env.DATA_DIR === undefined || !volumes.includes(env.DATA_DIR)) problems.push('DATA_DIR is not a VOLUME');
  const volumeAt = all(final, 'VOLUME').find((v) => env.DATA_DIR !== undefined && words(v).includes(env.DATA_DIR))?.line ?? Infinity;
  const owned = all(final, 'RUN').some((r) => r.line < volumeAt && user !== undefined && new RegExp(`chown\\s+(-R\\s+)?${user}(:\\S+)?\\s+${env.DATA_DIR ?? '\\0'}(\\s|$)`).test(r.args));
  if (!owned) problems.push('the data volume is not given to the runtime user before VOLUME');
  if (!all(final, 'EXPOSE').flatMap(words).some((p) => p.replace(/\/tcp$/, '') === env.PORT)) problems.push(`PORT ${env.PORT ?? '(unset)'} is not EXPOSEd`);
  const cmd = all(final, 'CMD').at(-1);
  if (JSON.stringify(cmd?.exec) !== JSON.stringify(['node', 'src/main.ts'])) problems.push('CMD is not the exec form ["node", "src/main.ts"] (node must be PID 1 to receive SIGTERM)');
  if (all(final, 'ENTRYPOINT').length > 0) problems.push('an ENTRYPOINT wraps the CMD');
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Reproducing a stage without Docker: container paths map into a directory per stage.

interface Built {
  root: string;
  workdir: string;
  env: Record<string, string>;
  user: string | undefined;
  /** Directories a RUN created and gave to a user: path → owner. */
  owned: Map<string, string>;
}

/** .dockerignore, as Docker reads it: patterns from the context root, `!` re-includes, last match wins. */
function dockerignore(source: string): (rel: string) => boolean {
  const rules = source
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => ({ negate: l.startsWith('!'), pattern: posix.normalize(l.replace(/^!/, '').replace(/^\/+/, '')).replace(/\/$/, '') }));
  return (rel) => {
    const parts = rel.split('/');
    const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let ignored = false;
    // A pattern that matches a directory excludes everything in it.
    for (const r of rules) if (candidates.some((c) => matchesGlob(c, r.pattern))) ignored = !r.negate;
    return ignored;
  };
}

function run(cmd: string[], options: { cwd: string; env: Record<string, string>; timeoutMs: number }): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd[0]!, cmd.slice(1), { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs, killSignal: 'SIGKILL' });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out }));
  });
}

/**
 * The node and npm running this test stand in for the image's. The build machine's network
 * settings (proxy, extra CA certificates, npm cache) are kept, as a build host's would be.
 */
const nodeBin = dirname(process.execPath);
const buildMachineEnv = (): Record<string, string> => ({
  PATH: [nodeBin, process.env.PATH ?? '/usr/bin:/bin'].join(delimiter),
  HOME: homedir(),
  // The same install as written, served from the local npm cache where it can be.
  npm_config_prefer_offline: 'true',
  npm_config_update_notifier: 'false',
  ...Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => /^(https?_proxy|no_proxy|node_extra_ca_certs|ssl_cert_(file|dir)|npm_config_(cache|registry|userconfig|cafile|strict_ssl))$/i.test(e[0]) && e[1] !== undefined)),
});

async function buildStage(d: Dockerfile, stage: Stage, into: string, built: Map<string, Built>, ignored: (rel: string) => boolean): Promise<Built> {
  const b: Built = { root: join(into, `stage-${stage.index}`), workdir: '/', env: {}, user: undefined, owned: new Map() };
  mkdirSync(b.root, { recursive: true });
  const host = (p: string) => join(b.root, posix.resolve(b.workdir, p));
  for (const i of stage.instructions) {
    switch (i.keyword) {
      case 'WORKDIR':
        b.workdir = posix.resolve(b.workdir, i.args);
        mkdirSync(host('.'), { recursive: true });
        break;
      case 'ENV':
        Object.assign(b.env, Object.fromEntries(envPairs(i.args)));
        break;
      case 'ARG':
        break;
      case 'COPY': {
        const all = words(i);
        const dest = all.at(-1)!;
        const sources = all.slice(0, -1);
        let from: Built | undefined;
        if (i.flags.from !== undefined) {
          const other = d.stages.find((s) => s.name === i.flags.from || String(s.index) === i.flags.from);
          if (other === undefined || other.index >= stage.index) throw new Error(`line ${i.line}: COPY --from=${i.flags.from} names no earlier stage`);
          from = built.get(String(other.index)) ?? (await buildStage(d, other, into, built, ignored));
          built.set(String(other.index), from);
        }
        for (const src of sources) {
          if (/[*?[]/.test(src)) throw new Error(`line ${i.line}: wildcards in COPY are not reproduced by this test`);
          let source: string;
          if (from) source = join(from.root, posix.resolve('/', src));
          else {
            const rel = posix.normalize(src).replace(/\/$/, '');
            if (rel === '.' || rel.startsWith('..')) throw new Error(`line ${i.line}: COPY ${src} is the whole context or outside it`);
            if (ignored(rel)) throw new Error(`line ${i.line}: COPY ${src}: excluded by .dockerignore, so the build would fail`);
            source = join(root, rel);
          }
          if (!existsSync(source)) throw new Error(`line ${i.line}: COPY ${src}: not found`);
          const intoDir = dest.endsWith('/') || sources.length > 1;
          const target = statSync(source).isDirectory() || !intoDir ? host(dest) : join(host(dest), basename(src));
          mkdirSync(statSync(source).isDirectory() ? target : dirname(target), { recursive: true });
          cpSync(source, target, {
            recursive: true,
            verbatimSymlinks: true,
            // From the build context, .dockerignore applies to everything inside a copied directory.
            filter: (s) => from !== undefined || relative(root, s) === '' || !ignored(relative(root, s)),
          });
        }
        break;
      }
      case 'RUN': {
        // The one step that needs root and a real user database is simulated (and recorded so
        // the ownership can be checked); every other RUN is performed as written, with sh -c.
        const volume = /^mkdir\s+-p\s+(\S+)\s+&&\s+chown\s+(\S+)\s+\1$/.exec(i.args);
        if (volume && i.exec === undefined) {
          mkdirSync(host(volume[1]!), { recursive: true });
          b.owned.set(posix.resolve(b.workdir, volume[1]!), volume[2]!.split(':')[0]!);
          break;
        }
        const r = await run(i.exec ?? ['/bin/sh', '-c', i.args], { cwd: host('.'), env: { ...buildMachineEnv(), ...b.env }, timeoutMs: 200_000 });
        if (r.code !== 0) throw new Error(`line ${i.line}: RUN ${i.args} exited with ${r.code ?? r.signal}:\n${r.out.slice(-3000)}`);
        break;
      }
      case 'USER':
        b.user = i.args;
        break;
      case 'VOLUME':
        for (const v of words(i)) mkdirSync(host(v), { recursive: true });
        break;
      case 'EXPOSE':
      case 'HEALTHCHECK':
      case 'CMD':
      case 'LABEL':
      case 'STOPSIGNAL':
        break;
      default:
        throw new Error(`line ${i.line}: this test does not reproduce ${i.keyword}; teach it before using it`);
    }
  }
  return b;
}


// ---------------------------------------------------------------------------------------------
// Docker Compose: interpolation, a schema for the subset the file uses, the reference layout.

function envFile(source: string): Record<string, string> {
  return Object.fromEntries(
    source
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => {
        const at = l.indexOf('=');
        return at < 0 ? [l, ''] : [l.slice(0, at), l.slice(at + 1)];
      }),
  );
}

const VARIABLE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, $VAR and $$, as Compose interpolates them. */
function interpolate(value: string, vars: Record<string, string | undefined>): string {
  return value.replace(VARIABLE, (whole, braced: string | undefined, colon: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
    if (whole === '$$') return '$';
    const name = (braced ?? bare)!;
    const v = vars[name];
    const missing = v === undefined || (colon === ':' && v === '');
    if (op === '-') return missing ? (arg ?? '') : v;
    if (op === '?') {
      if (missing) throw new Error(`${name}: ${arg || 'required'}`);
      return v;
    }
    return v ?? '';
  });
}

function interpolateAll(doc: unknown, vars: Record<string, string | undefined>): unknown {
  if (typeof doc === 'string') return interpolate(doc, vars);
  if (Array.isArray(doc)) return doc.map((d) => interpolateAll(d, vars));
  if (doc !== null && typeof doc === 'object') return Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, interpolateAll(v, vars)]));
  return doc;
}

/** The variables a parsed document's values refer to (comments are not values). */
function referenced(doc: unknown): string[] {
  const strings: string[] = [];
  const walk = (d: unknown): void => {
    if (typeof d === 'string') strings.push(d);
    else if (d !== null && typeof d === 'object') Object.values(d).forEach(walk);
  };
  walk(doc);
  return [...new Set(strings.flatMap((s) => [...s.matchAll(VARIABLE)].map((m) => m[1] ?? m[5]).filter((n): n is string => n !== undefined)))].sort();
}

/** An object that also allows the specification's `x-` extension keys, and nothing else. */
function withExtensions<T extends Record<string, z.ZodType>>(shape: T) {
  return z
    .object(shape)
    .catchall(z.unknown())
    .superRefine((o, ctx) => {
      for (const k of Object.keys(o)) if (!(k in shape) && !k.startsWith('x-')) ctx.addIssue({ code: 'custom', path: [k], message: `unknown key "${k}"` });
    });
}

const Duration = z.string().regex(/^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/, 'a duration such as 30s or 1m30s');
const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const ListOrDict = z.union([z.array(z.string().regex(/^[^=\s]+(=[\s\S]*)?$/)), z.record(z.string().regex(/^[^=\s]+$/), Scalar)]);
const Healthcheck = z.strictObject({
  test: z.union([z.string().min(1), z.tuple([z.enum(['CMD', 'CMD-SHELL'])], z.string()).refine((t) => t.length >= 2, 'a command after CMD'), z.tuple([z.literal('NONE')])]),
  interval: Duration.optional(),
  timeout: Duration.optional(),
  start_period: Duration.optional(),
  start_interval: Duration.optional(),
  retries: z.number().int().min(1).optional(),
  disable: z.boolean().optional(),
});
const Service = withExtensions({
  image: z.string().regex(/^[a-z0-9][\w.\-/]*(:[\w.-]+)?(@sha256:[0-9a-f]{64})?$/).optional(),
  build: z.union([z.string(), z.strictObject({ context: z.string(), dockerfile: z.string().optional(), target: z.string().optional(), args: ListOrDict.optional() })]).optional(),
  restart: z.enum(['no', 'always', 'on-failure', 'unless-stopped']).optional(),
  env_file: z.union([z.string(), z.array(z.union([z.string(), z.strictObject({ path: z.string(), required: z.boolean().optional() })]))]).optional(),
  environment: ListOrDict.optional(),
  expose: z.array(z.union([z.string().regex(/^\d+(-\d+)?(\/(tcp|udp))?$/), z.number().int()])).optional(),
  ports: z.array(z.union([z.string().regex(/^((\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:]+\]):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/), z.number().int()])).optional(),
  depends_on: z
    .union([
      z.array(z.string()),
      z.record(z.string(), z.strictObject({ condition: z.enum(['service_started', 'service_healthy', 'service_completed_successfully']), restart: z.boolean().optional(), required: z.boolean().optional() })),
    ])
    .optional(),
  healthcheck: Healthcheck.optional(),
  volumes: z
    .array(
      z.union([
        z.string().regex(/^[^:]+:\/[^:]*(:(ro|rw|z|Z|ro,z|ro,Z|rw,z|rw,Z))?$/),
        z.strictObject({ type: z.enum(['volume', 'bind', 'tmpfs']), source: z.string().optional(), target: z.string(), read_only: z.boolean().optional() }),
      ]),
    )
    .optional(),
  stop_grace_period: Duration.optional(),
  command: z.union([z.string(), z.array(z.string())]).optional(),
  networks: z.array(z.string()).optional(),
}).refine((s) => s.image !== undefined || s.build !== undefined, 'a service needs an image or a build');
const ComposeFile = withExtensions({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/).optional(),
  services: z.record(z.string().regex(/^[a-zA-Z0-9._-]+$/), Service),
  volumes: z.record(z.string(), z.union([z.null(), z.strictObject({ driver: z.string().optional(), external: z.boolean().optional(), name: z.string().optional() })])).optional(),
  networks: z.record(z.string(), z.union([z.null(), z.strictObject({ driver: z.string().optional(), internal: z.boolean().optional(), external: z.boolean().optional() })])).optional(),
});
type ComposeService = z.infer<typeof Service>;

const asDict = (e: ComposeService['environment']): Record<string, string | undefined> => {
  if (e === undefined) return {};
  if (Array.isArray(e)) return Object.fromEntries(e.map((kv) => (kv.includes('=') ? [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] : [kv, undefined])));
  return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, v === null ? undefined : String(v)]));
};
const dependsOn = (s: ComposeService): Record<string, string> =>
  Array.isArray(s.depends_on) ? Object.fromEntries(s.depends_on.map((n) => [n, 'service_started'])) : Object.fromEntries(Object.entries(s.depends_on ?? {}).map(([n, d]) => [n, d.condition]));
const envFiles = (s: ComposeService): string[] => (s.env_file === undefined ? [] : [s.env_file].flat().map((f) => (typeof f === 'string' ? f : f.path)));
const shortVolumes = (s: ComposeService): string[] => (s.volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source ?? ''}:${v.target}${v.read_only ? ':ro' : ''}`));
const healthText = (s: ComposeService): string => [s.healthcheck?.test ?? []].flat().join(' ');

const SECRET_ENV = /_TOKEN$|_SECRET$|PASSWORD|_KEYS?$/i;
const REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*((:?[-?])[^}]*)?\}$/;
const REPLICAS = ['defuse-1', 'defuse-2'] as const;

/** Secrets in the file as written (before interpolation): only ${VAR} references, or nothing. */
function inlineSecretProblems(raw: unknown): string[] {
  const problems: string[] = [];
  const services = z.record(z.string(), z.looseObject({ environment: ListOrDict.optional() })).safeParse((raw as { services?: unknown } | null)?.services);
  if (!services.success) return ['services: not readable'];
  for (const [name, s] of Object.entries(services.data)) {
    for (const [k, v] of Object.entries(asDict(s.environment))) {
      if (v === undefined || v === '') continue;
      if (SECRET_ENV.test(k) && !REFERENCE.test(v)) problems.push(`${name}: ${k} is written inline; use a \${VARIABLE} or env_file`);
      const password = /:\/\/[^:/@]+:([^@]*)@/.exec(v)?.[1];
      if (password !== undefined && !REFERENCE.test(password)) problems.push(`${name}: ${k} holds a password inline; use a \${VARIABLE}`);
    }
  }
  return problems;
}

function composeProblems(raw: unknown, vars: Record<string, string | undefined>, nginxSource: string): string[] {
  const problems = inlineSecretProblems(raw);
  let interpolated: unknown;
  try {
    interpolated = interpolateAll(raw, vars);
  } catch (err) {
    return [...problems, `interpolation: ${(err as Error).message}`];
  }
  const parsed = ComposeFile.safeParse(interpolated);
  if (!parsed.success) return [...problems, ...parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)];
  const { services, volumes = {} } = parsed.data;

  for (const [name, s] of Object.entries(services)) {
    for (const dep of Object.keys(dependsOn(s))) if (services[dep] === undefined) problems.push(`${name} depends on ${dep}, which is not a service`);
    for (const v of shortVolumes(s)) {
      const source = v.split(':')[0]!;
      if (!/^[./~]/.test(source) && !(source in volumes)) problems.push(`${name} mounts the volume ${source}, which is not declared`);
    }
  }

  // Two interchangeable replicas, built from this Dockerfile, on one database.
  const urls: (string | undefined)[] = [];
  for (const r of REPLICAS) {
    const s = services[r];
    if (s === undefined) {
      problems.push(`no ${r} service`);
      continue;
    }
    const context = typeof s.build === 'string' ? s.build : s.build?.context;
    if (context !== '.') problems.push(`${r} is not built from this repository's Dockerfile`);
    if (!envFiles(s).includes('.env')) problems.push(`${r} does not take its secrets from env_file .env`);
    if (!healthText(s).includes('/healthz')) problems.push(`${r} has no health check on /healthz`);
    if (dependsOn(s).postgres !== 'service_healthy') problems.push(`${r} does not wait for a healthy postgres`);
    if ((s.ports ?? []).length > 0) problems.push(`${r} publishes ports: only the proxy may (/metrics stays internal)`);
    urls.push(asDict(s.environment).DATABASE_URL);
  }
  const pg = services.postgres;
  if (urls.length === REPLICAS.length && (urls[0] === undefined || urls.some((u) => u !== urls[0]))) problems.push('the replicas do not share one DATABASE_URL');
  else if (urls[0] !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(urls[0]);
    } catch {
      problems.push('DATABASE_URL is not a URL');
    }
    if (url) {
      const pgEnv = asDict(pg?.environment);
      if (!['postgres:', 'postgresql:'].includes(url.protocol) || url.hostname !== 'postgres') problems.push('DATABASE_URL does not point at the postgres service');
      if (decodeURIComponent(url.username) !== pgEnv.POSTGRES_USER || decodeURIComponent(url.password) !== pgEnv.POSTGRES_PASSWORD || url.pathname.slice(1) !== pgEnv.POSTGRES_DB) {
        problems.push("DATABASE_URL's user, password or database differ from the postgres service's");
      }
    }
  }

  // PostgreSQL 17 on a named volume, with a readiness check.
  if (pg === undefined) problems.push('no postgres service');
  else {
    if (!/^postgres:17(\.\d+)*(-|$)/.test(pg.image ?? '')) problems.push(`postgres runs ${pg.image ?? 'no image'}, not postgres:17`);
    if (!shortVolumes(pg).some((v) => /^[a-z0-9][\w-]*:\/var\/lib\/postgresql\/data(:|$)/.test(v))) problems.push("postgres's data is not on a named volume");
    if (!healthText(pg).includes('pg_isready')) problems.push('postgres has no pg_isready health check');
    if ((pg.ports ?? []).length > 0) problems.push('postgres publishes a port');
  }

  // nginx in front of both replicas.
  const proxy = services.proxy;
  if (proxy === undefined) problems.push('no proxy service');
  else {
    if (!/^nginx:/.test(proxy.image ?? '')) problems.push('the proxy is not nginx');
    for (const r of REPLICAS) if (dependsOn(proxy)[r] !== 'service_healthy') problems.push(`the proxy does not wait for a healthy ${r}`);
    if (!shortVolumes(proxy).includes('./deploy/nginx.conf:/etc/nginx/nginx.conf:ro')) problems.push('deploy/nginx.conf is not mounted read-only as the nginx configuration');
    if ((proxy.ports ?? []).length === 0) problems.push('the proxy publishes no port');
  }
  const replicaPort = asDict(services['defuse-1']?.environment).PORT ?? '3978';
  problems.push(...nginxProblems(nginxSource, REPLICAS.map((r) => `${r}:${replicaPort}`)));
  return problems;
}

// nginx.conf: directives and blocks, then what a request path reaches.

interface Directive {
  name: string;
  args: string[];
  block: Directive[] | undefined;
}

function parseNginx(source: string): Directive[] {
  const tokens: { t: string; punct: boolean }[] = [];
  for (const m of source.matchAll(/#[^\n]*|"((?:[^"\\]|\\.)*)"|'([^']*)'|([{};])|([^\s{};"'#]+)/g)) {
    if (m[0].startsWith('#')) continue;
    if (m[3] !== undefined) tokens.push({ t: m[3], punct: true });
    else tokens.push({ t: m[1] ?? m[2] ?? m[4]!, punct: false });
  }
  let at = 0;
  const block = (nested: boolean): Directive[] => {
    const out: Directive[] = [];
    while (at < tokens.length) {
      const head = tokens[at++]!;
      if (head.punct && head.t === '}' && nested) return out;
      if (head.punct) throw new Error(`nginx.conf: unexpected "${head.t}"`);
      const args: string[] = [];
      for (;;) {
        const tok = tokens[at++];
        if (tok === undefined) throw new Error(`nginx.conf: "${head.t}" is not terminated`);
        if (!tok.punct) args.push(tok.t);
        else if (tok.t === ';') {
          out.push({ name: head.t, args, block: undefined });
          break;
        } else if (tok.t === '{') {
          out.push({ name: head.t, args, block: block(true) });
          break;
        } else throw new Error(`nginx.conf: unexpected "}" in "${head.t}"`);
      }
    }
    if (nested) throw new Error('nginx.conf: a block is not closed');
    return out;
  };
  return block(false);
}

const children = (ds: Directive[] | undefined, name: string) => (ds ?? []).filter((d) => d.name === name);

/** The location nginx picks for a path: an exact match, else the longest prefix (regex locations are not used here). */
function locationFor(server: Directive, path: string): Directive | undefined {
  const locations = children(server.block, 'location');
  if (locations.some((l) => l.args[0] === '~' || l.args[0] === '~*')) throw new Error('nginx.conf: regex locations are not modelled by this test');
  const exact = locations.find((l) => l.args[0] === '=' && l.args[1] === path);
  if (exact) return exact;
  return locations
    .filter((l) => l.args[0] !== '=' && path.startsWith(l.args.at(-1)!))
    .sort((a, b) => b.args.at(-1)!.length - a.args.at(-1)!.length)[0];
}

const PUBLIC_PATHS = ['/slack/events', '/api/messages', '/api/v1/cases', '/healthz', '/', '/supervisor', '/console/assets/app.js', '/console/events'];
const PRIVATE_PATHS = ['/metrics', '/anything-else', '/readyz-not-a-route'];

function nginxProblems(source: string, replicas: string[]): string[] {
  const problems: string[] = [];
  let conf: Directive[];
  try {
    conf = parseNginx(source);
  } catch (err) {
    return [(err as Error).message];
  }
  const http = children(conf, 'http')[0];
  if (http === undefined) return ['nginx.conf has no http block'];
  const upstreams = children(http.block, 'upstream');
  const upstream = upstreams.find((u) => replicas.every((r) => children(u.block, 'server').some((s) => s.args[0] === r)));
  if (upstream === undefined) problems.push(`no upstream names both replicas (${replicas.join(', ')})`);
  const servers = children(http.block, 'server');
  if (servers.length !== 1) return [...problems, `nginx.conf has ${servers.length} server blocks; this test expects one`];
  const server = servers[0]!;
  const bodyLimit = children(server.block, 'client_max_body_size').at(-1)?.args[0] ?? children(http.block, 'client_max_body_size').at(-1)?.args[0];
  if (bodyLimit === undefined || !['1m', '1M', '1048576'].includes(bodyLimit)) problems.push(`client_max_body_size is ${bodyLimit ?? 'the default'}, not 1m`);
  for (const path of PUBLIC_PATHS) {
    const l = locationFor(server, path);
    const pass = children(l?.block, 'proxy_pass')[0]?.args[0];
    if (upstream === undefined || pass !== `http://${upstream.args[0]}`) problems.push(`${path} is not proxied to the replicas' upstream`);
    // proxy_set_header is inherited only by a location that sets none of its own.
    const headers = [l?.block, server.block, http.block].map((b) => children(b, 'proxy_set_header')).find((h) => h.length > 0) ?? [];
    if (!headers.some((h) => h.args[0]?.toLowerCase() === 'x-request-id')) problems.push(`${path} does not pass X-Request-Id`);
  }
  for (const path of PRIVATE_PATHS) {
    const l = locationFor(server, path);
    if (l === undefined || children(l.block, 'proxy_pass').length > 0) problems.push(`${path} reaches the replicas through the public proxy`);
  }
  return problems;
}

// =============================================================================================

describe('the Dockerfile', () => {
  const dockerfile = parseDockerfile(read('Dockerfile'));

  it('parses continuations, comments inside them, flags and exec forms', () => {
    const d = parseDockerfile(
      [
        '# syntax=docker/dockerfile:1',
        'ARG BASE=node:24.1.0-slim',
        'FROM node:24.1.0-slim AS deps',
        'RUN npm ci \\',
        '  # a comment inside the continuation',
        '  --omit=dev',
        'FROM node:24.1.0-slim',
        'ENV A=1 B="two words" \\',
        '    C=3',
        'COPY --from=deps --chown=node:node /app/node_modules ./node_modules',
        'HEALTHCHECK --interval=5s CMD ["node", "-e", "x"]',
        'CMD ["node", "src/main.ts"]',
      ].join('\n'),
    );
    expect(d.globalArgs.map((a) => argPairs(a.args))).toEqual([[['BASE', 'node:24.1.0-slim']]]);
    expect(d.stages.map((s) => [s.from, s.name])).toEqual([
      ['node:24.1.0-slim', 'deps'],
      ['node:24.1.0-slim', undefined],
    ]);
    expect(d.stages[0]!.instructions[0]).toMatchObject({ keyword: 'RUN', args: 'npm ci    --omit=dev', line: 4 });
    expect(stageEnv(d.stages[1]!)).toEqual({ A: '1', B: 'two words', C: '3' });
    const [, copy, health, cmd] = d.stages[1]!.instructions;
    expect(copy).toMatchObject({ flags: { from: 'deps', chown: 'node:node' }, args: '/app/node_modules ./node_modules' });
    expect(health).toMatchObject({ flags: { interval: '5s' }, exec: ['node', '-e', 'x'] });
    expect(cmd!.exec).toEqual(['node', 'src/main.ts']);
    expect(() => parseDockerfile('FROM node:24\nFETCH x')).toThrow(/unknown instruction FETCH/);
  });

  it('finds every breach of the policy in a bad Dockerfile', () => {
    const bad = parseDockerfile(
      ['ARG SLACK_BOT_TOKEN=xoxb-123', 'FROM node:latest', 'ENV OPENAI_API_KEY=sk-abc PORT=80', 'COPY . .', 'COPY .env ./', 'RUN npm install', 'VOLUME /data', 'CMD npm start'].join('\n'),
    );
    const problems = dockerfileProblems(bad);
    for (const expected of [
      /not multi-stage/,
      /FROM node:latest, not a pinned/,
      /runs as root/,
      /no HEALTHCHECK/,
      /ARG SLACK_BOT_TOKEN .* bakes a secret/,
      /ENV OPENAI_API_KEY .* bakes a secret/,
      /COPY at line 4 copies .* the whole context/,
      /COPY at line 5 copies a \.env/,
      /RUN npm install/,
      /no stage before the final one runs npm ci/,
      /ENV NODE_ENV is unset/,
      /DATA_DIR is not a VOLUME/,
      /not given to the runtime user/,
      /PORT 80 is not EXPOSEd/,
      /CMD is not the exec form/,
    ]) {
      expect(problems).toContainEqual(expect.stringMatching(expected));
    }
    // A secret-looking ARG without a value (given at build time) is not baked in.
    expect(dockerfileProblems(parseDockerfile('ARG NPM_TOKEN\nFROM node:latest'))).not.toContainEqual(expect.stringMatching(/NPM_TOKEN/));
  });

  it('meets the image policy: multi-stage, pinned node:24 slim, production dependencies only, non-root, health check, no secrets', () => {
    expect(dockerfileProblems(dockerfile)).toEqual([]);
  });

  it('keeps secrets, local data and dependencies out of the build context (.dockerignore)', () => {
    const ignored = dockerignore(read('.dockerignore'));
    for (const p of ['.env', '.env.production', 'deploy/.env', 'node_modules', 'node_modules/zod/package.json', 'data/defuse.sqlite', 'x/y.sqlite-wal', '.git/config', '.cache/node24', 'test/service.test.ts', 'evals/cases', 'coverage/index.html']) {
      expect([p, ignored(p)]).toEqual([p, true]);
    }
    for (const p of ['package.json', 'package-lock.json', '.npmrc', 'src/main.ts', 'prompts/llm/system.md', 'prompts/guidance.yaml', 'bin/defuse']) {
      expect([p, ignored(p)]).toEqual([p, false]);
    }
  });
});

describe('the final image, reproduced without Docker', () => {
  const dockerfile = parseDockerfile(read('Dockerfile'));
  const final = finalStage(dockerfile);
  let work = '';
  let image: Built;
  let app: string;
  let env: Record<string, string>;
  let healthcheck: () => Promise<number | null>;

  beforeAll(async () => {
    // The stand-ins are only faithful on the same Node major as the image.
    expect(process.versions.node.split('.')[0]).toBe(/^node:(\d+)/.exec(final.from)?.[1]);
    work = mkdtempSync(join(tmpdir(), 'defuse-image-'));
    image = await buildStage(dockerfile, final, work, new Map(), dockerignore(read('.dockerignore')));
    app = join(image.root, image.workdir);
    const port = await freePort();
    const containerPath = (p: string) => join(image.root, posix.resolve(image.workdir, p));
    const home = join(work, 'home-node');
    mkdirSync(home, { recursive: true });
    env = {
      // What the container has: the image's PATH (node), the runtime user's HOME, the ENV lines;
      // then what `docker run` must add: a port we know is free, and TEAMS_ENABLED=false (the
      // image is NODE_ENV=production, which refuses Teams without MicrosoftAppId).
      PATH: [nodeBin, '/usr/bin', '/bin'].join(delimiter),
      HOME: home,
      ...image.env,
      DATA_DIR: containerPath(image.env.DATA_DIR ?? '/data'),
      PORT: String(port),
      TEAMS_ENABLED: 'false',
    };
    const health = all(final, 'HEALTHCHECK').at(-1)!;
    const timeoutMs = Number(/^(\d+)s$/.exec(health.flags.timeout ?? '30s')?.[1] ?? 30) * 1000;
    healthcheck = async () => (await run(health.exec ?? ['/bin/sh', '-c', health.args], { cwd: app, env, timeoutMs })).code;
  }, 240_000);

  // Two copies of node_modules (the deps stage's and the image's): removing them takes a while.
  afterAll(async () => {
    if (work !== '') await rm(work, { recursive: true, force: true });
  }, 120_000);

  it('holds only what the service needs: no tests, docs, .env or local data', () => {
    expect(readdirSync(app).sort()).toEqual(['bin', 'node_modules', 'package-lock.json', 'package.json', 'prompts', 'src']);
    expect(existsSync(join(app, 'prompts', 'llm', 'system.md'))).toBe(true);
    expect(readdirSync(image.root).sort()).toEqual(['app', 'data']);
    // The data volume belongs to the user the service runs as.
    expect(image.user).toBe('node');
    expect(image.owned.get(image.env.DATA_DIR ?? '')).toBe(image.user);
  });

  it('has the production dependencies and none of the dev-only ones', () => {
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    const missing = Object.keys(pkg.dependencies).filter((d) => !existsSync(join(app, 'node_modules', d, 'package.json')));
    expect(missing).toEqual([]);
    const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const devOnly = Object.entries(lock.packages).filter(([p, e]) => p.startsWith('node_modules/') && e.dev === true).map(([p]) => p);
    expect(devOnly).toEqual(expect.arrayContaining(['node_modules/vitest', 'node_modules/typescript', 'node_modules/fast-check']));
    expect(devOnly.filter((p) => existsSync(join(app, p)))).toEqual([]);
  });

  const snapshots = () => {
    const cache = join(app, 'node_modules', '.cache', 'defuse');
    return existsSync(cache) ? readdirSync(cache).filter((f) => /^content-[0-9a-f]+\.json$/.test(f)) : [];
  };

  it('validated prompts/ at build time and keeps the snapshot that start-up reads', () => {
    expect(snapshots()).toHaveLength(1);
  });

  it('starts with its CMD and ENV, passes its own HEALTHCHECK, and exits 0 on SIGTERM', async () => {
    const baked = snapshots();
    // Nothing listens yet: the health check must be able to fail.
    expect(await healthcheck()).not.toBe(0);
    const cmd = all(final, 'CMD').at(-1)!.exec!;
    const child = spawn(cmd[0]!, cmd.slice(1), { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let logs = '';
    child.stdout.on('data', (b: Buffer) => (logs += b.toString()));
    child.stderr.on('data', (b: Buffer) => (logs += b.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    let gone = false;
    void exited.then(() => (gone = true));
    try {
      const started = Date.now();
      let healthy = false;
      while (!healthy && !gone && Date.now() - started < 60_000) {
        healthy = (await healthcheck()) === 0;
        if (!healthy) await new Promise((r) => setTimeout(r, 250));
      }
      expect({ healthy, logs: healthy ? '' : logs }).toEqual({ healthy: true, logs: '' });
      const health = (await (await fetch(`http://127.0.0.1:${env.PORT}/healthz`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ status: 'ok', store: 'sqlite', teams: 'off' });
      expect(existsSync(join(env.DATA_DIR!, 'defuse.sqlite'))).toBe(true);
    } finally {
      if (!gone) child.kill('SIGTERM');
    }
    const exit = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 15_000))]);
    if (exit === 'hung') child.kill('SIGKILL');
    expect({ exit, logs: exit !== 'hung' && exit.code === 0 ? '' : logs }).toEqual({ exit: { code: 0, signal: null }, logs: '' });
    expect(await healthcheck()).not.toBe(0);
    // Start-up found the build's snapshot (here, unlike in the image, it could have written another).
    expect(snapshots()).toEqual(baked);
  }, 90_000);

  it('refuses to start in production with Teams on and no MicrosoftAppId (why the compose file sets TEAMS_ENABLED=false)', async () => {
    const cmd = all(final, 'CMD').at(-1)!.exec!;
    const { TEAMS_ENABLED: _off, ...withTeams } = env;
    const r = await run(cmd, { cwd: app, env: withTeams, timeoutMs: 30_000 });
    expect(r.code).toBe(78);
    expect(r.out).toMatch(/MicrosoftAppId is missing: in production/);
  }, 40_000);

});

describe('docker-compose.yml', () => {
  const source = read('docker-compose.yml');
  const raw: unknown = parseYaml(source, { merge: true });
  const example = envFile(read('deploy/env.example'));
  const filled = { ...example, POSTGRES_PASSWORD: 'example-password' };
  const nginx = read('deploy/nginx.conf');

  it('interpolates and validates against the Compose schema, in the reference layout', () => {
    expect(composeProblems(raw, filled, nginx)).toEqual([]);
  });

  it('turns Teams off unless .env turns it on, and fixes what the layout depends on', () => {
    const doc = ComposeFile.parse(interpolateAll(raw, filled));
    for (const r of REPLICAS) {
      expect(asDict(doc.services[r]!.environment)).toMatchObject({ TEAMS_ENABLED: 'false', NODE_ENV: 'production', PORT: '3978' });
    }
    const on = ComposeFile.parse(interpolateAll(raw, { ...filled, TEAMS_ENABLED: 'true' }));
    expect(asDict(on.services['defuse-1']!.environment).TEAMS_ENABLED).toBe('true');
  });

  it('will not start with the example .env as is: the database password must be set', () => {
    expect(example.POSTGRES_PASSWORD).toBe('');
    expect(composeProblems(raw, example, nginx)).toEqual(['interpolation: POSTGRES_PASSWORD: set POSTGRES_PASSWORD in .env']);
  });

  it('lists every variable it uses in deploy/env.example, with placeholders only; .env stays out of git', () => {
    expect(referenced(raw)).toEqual(['DEFUSE_HTTP_PORT', 'POSTGRES_PASSWORD', 'TEAMS_ENABLED']);
    expect(referenced(raw).filter((v) => !(v in example))).toEqual([]);
    expect(Object.entries(example).filter(([k, v]) => SECRET_ENV.test(k) && v !== '')).toEqual([]);
    expect(read('.gitignore').split(/\r?\n/).map((l) => l.trim())).toContain('.env');
  });

  it('finds every breach of the reference layout in a bad compose file', () => {
    const bad = structuredClone(raw) as { services: Record<string, Record<string, unknown>> };
    const services = bad.services;
    delete services['defuse-2'];
    services['defuse-1']!.environment = { DATABASE_URL: 'postgres://defuse:hunter2@db:5432/defuse', SLACK_BOT_TOKEN: 'xoxb-real-token' };
    delete services['defuse-1']!.healthcheck;
    services['defuse-1']!.ports = ['3978:3978'];
    services.postgres!.image = 'postgres:15';
    services.postgres!.volumes = [];
    services.proxy!.depends_on = ['defuse-1'];
    services.proxy!.extra_hosts = ['x:1.2.3.4'];
    const badNginx = nginx
      .replace(/server defuse-2:3978[^;]*;/, '')
      .replace('client_max_body_size 1m;', '')
      .replace(/location = \/metrics \{[^}]*\}/, 'location = /metrics { proxy_pass http://defuse; }')
      .replace(/location = \/healthz \{/, 'location = /healthz { proxy_set_header Host $host;');
    const problems = composeProblems(bad, filled, badNginx);
    expect(problems).toContainEqual(expect.stringMatching(/proxy\.extra_hosts: unknown key/));
    delete services.proxy!.extra_hosts;
    const layout = composeProblems(bad, filled, badNginx);
    for (const expected of [
      /defuse-1: DATABASE_URL holds a password inline/,
      /defuse-1: SLACK_BOT_TOKEN is written inline/,
      /no defuse-2 service/,
      /defuse-1 has no health check/,
      /defuse-1 publishes ports/,
      /postgres runs postgres:15/,
      /postgres's data is not on a named volume/,
      /the proxy does not wait for a healthy defuse-1/,
      /the proxy does not wait for a healthy defuse-2/,
      /no upstream names both replicas/,
      /client_max_body_size is the default/,
      /\/healthz does not pass X-Request-Id/,
      /\/metrics reaches the replicas/,
    ]) {
      expect(layout).toContainEqual(expect.stringMatching(expected));
    }
    // Two replicas with different databases are not interchangeable.
    const split = structuredClone(raw) as { services: Record<string, { environment: Record<string, string> }> };
    split.services['defuse-2']!.environment = { ...split.services['defuse-2']!.environment, DATABASE_URL: 'postgres://defuse:${POSTGRES_PASSWORD}@postgres:5432/other' };
    expect(composeProblems(split, filled, nginx)).toEqual(['the replicas do not share one DATABASE_URL']);
  });

  it('reads nginx.conf as nginx does: exact locations first, then the longest prefix', () => {
    const server = children(children(parseNginx(nginx), 'http')[0]!.block, 'server')[0]!;
    expect(locationFor(server, '/api/v1/cases/abc')?.args).toEqual(['/api/v1/']);
    expect(locationFor(server, '/metrics')?.args).toEqual(['=', '/metrics']);
    expect(locationFor(server, '/slack/events/x')?.args).toEqual(['/']);
    expect(() => parseNginx('http { server { listen 80; }')).toThrow(/not closed/);
  });
});
