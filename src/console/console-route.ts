/**
 * The browser console: the "try it" page at /, the supervisor view at /supervisor, their
 * assets, a small JSON API under /console/api and a server-sent event stream. Everything is
 * served by the service itself (no CDN, no third-party script or font) under a strict
 * Content-Security-Policy. Access: console-auth.ts.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { z } from 'zod';
import type { DrillOwner } from '../core/drill/drills.ts';
import { ScenarioNotFound } from '../core/drill/drills.ts';
import { drillIntro, PLAIN, scorecardLines } from '../core/channel/drill-text.ts';
import { DIFFICULTIES } from '../core/drill/scenario.ts';
import { DefuseError } from '../core/errors.ts';
import { expectedFailure } from '../http/failures.ts';
import type { Engine } from '../engine.ts';
import { readJson } from '../http/body.ts';
import { send, type Route } from '../http/server.ts';
import type { Turns } from '../http/turns.ts';
import type { Logger } from '../log.ts';
import { BROWSER_COOKIE, CONSOLE_COOKIE, cookie, type ConsoleAccess, type ConsoleRole } from './console-auth.ts';
import type { ConsoleBus, ConsoleChange } from './console-bus.ts';
import { supervisorState, type SupervisorState } from './supervisor-state.ts';

const WEB = new URL('./web/', import.meta.url).pathname;
const PAGES: Record<string, string> = { '/': 'index.html', '/supervisor': 'supervisor.html' };
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };
/** The console's JSON bodies are a message or a draft: far below the service's 1 MiB. */
const MAX_CONSOLE_BODY = 256 * 1024;
const BROWSER_ID = /^[0-9a-f-]{36}$/;
/** A page is told of changes at most this often. */
const CHANGE_EVERY_MS = 1000;
/** Pages on other replicas change too: every open page refreshes at least this often. */
const TICK_MS = 10_000;

/** Nothing but this origin's own files; no inline script or style, no framing. */
export const CONSOLE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const SECURITY_HEADERS = { 'content-security-policy': CONSOLE_CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY', 'cache-control': 'no-store' };

const CoachBody = z.strictObject({ text: z.string().min(1).max(100_000), caseId: z.string().regex(/^console:[0-9a-f-]{36}$/).optional() });
const ReviewBody = z.strictObject({ draft: z.string().min(1).max(20_000), context: z.string().max(20_000).optional() });
const DrillStartBody = z.strictObject({ scenario: z.string().max(60).optional(), difficulty: z.enum(DIFFICULTIES).optional() });
const DrillReplyBody = z.strictObject({ drillId: z.string().regex(/^console:[0-9a-f-]{36}$/), text: z.string().min(1).max(5_000) });
const AckBody = z.strictObject({ caseId: z.string().min(1).max(300) });

/** The files a page may load; read once (they are small), so a request never touches the disk. */
function loadAssets(): Map<string, { type: string; body: Buffer }> {
  const files = ['index.html', 'supervisor.html', 'console.css', 'app.js', 'supervisor.js', 'common.js', 'drill.js'];
  return new Map(files.map((f) => [f, { type: TYPES[extname(f)] ?? 'application/octet-stream', body: readFileSync(join(WEB, f)) }]));
}

export function createConsole(deps: { engine: Engine; access: ConsoleAccess; bus: ConsoleBus; log: Logger; now: () => Date; turns?: Turns }): Route {
  const { engine, access, bus, log } = deps;
  const assets = loadAssets();
  const run = <T>(fn: () => Promise<T>) => (deps.turns ? deps.turns.run('console', fn) : fn());

  function page(req: IncomingMessage, res: ServerResponse, file: string, need: ConsoleRole): void {
    const url = new URL(req.url ?? '/', 'http://console');
    const token = url.searchParams.get('token');
    if (token !== null) {
      // A token in the address is swapped for a cookie at once, so it does not stay in history.
      const role = access.roleOf(token);
      if (!role) return denied(res, 'That console token is not valid.');
      const secure = req.headers['x-forwarded-proto'] === 'https' ? '; Secure' : '';
      res.writeHead(303, { location: url.pathname, 'set-cookie': `${CONSOLE_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/${secure}`, ...SECURITY_HEADERS });
      res.end();
      return;
    }
    const role = access.role(req);
    if (!role) return denied(res, access.exposed ? 'Open this page with ?token= and your console token.' : 'The console answers on this machine only. Set CONSOLE_TOKEN to open it from elsewhere.');
    if (need === 'supervisor' && role !== 'supervisor') return denied(res, 'The supervisor view needs the supervisor token (CONSOLE_SUPERVISOR_TOKEN).', 403);
    const a = assets.get(file)!;
    const browser = cookie(req, BROWSER_COOKIE);
    const setBrowser = browser && BROWSER_ID.test(browser) ? {} : { 'set-cookie': `${BROWSER_COOKIE}=${randomUUID()}; HttpOnly; SameSite=Strict; Path=/` };
    res.writeHead(200, { 'content-type': a.type, ...SECURITY_HEADERS, ...setBrowser });
    res.end(a.body);
  }

  function denied(res: ServerResponse, why: string, status = 401): void {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
    res.end(`Defuse console: ${why}\n`);
  }

  async function body<S extends z.ZodType>(req: IncomingMessage, res: ServerResponse, schema: S): Promise<z.infer<S> | undefined> {
    const r = await readJson(req, schema, MAX_CONSOLE_BODY);
    if (r.ok) return r.value;
    send(res, r.status, { error: r.error, message: r.message, ...(r.field ? { field: r.field } : {}) });
    return undefined;
  }

  function failed(res: ServerResponse, err: unknown): void {
    const known = expectedFailure(err);
    if (known) return send(res, known.status, { error: known.error, message: known.message }, known.headers);
    if (err instanceof ScenarioNotFound) return send(res, 400, { error: 'unknown_scenario', message: err.message });
    if (err instanceof DefuseError) return send(res, 400, { error: err.code, message: err.userMessage });
    log.error('console request failed', { code: (err as { code?: string }).code ?? 'internal' });
    send(res, 500, { error: 'internal', message: 'Something went wrong; nothing you typed was lost. Try again.' });
  }

  /**
   * Who is typing: the signed-in user the proxy names, else this browser's id, else the role.
   * Drills and usage limits are theirs alone, even when several people share one token.
   */
  const who = (req: IncomingMessage, role: ConsoleRole): string => {
    const browser = cookie(req, BROWSER_COOKIE);
    return access.proxyUser(req) ?? (browser && BROWSER_ID.test(browser) ? `browser-${browser}` : role);
  };
  /**
   * The supervisor view, shared by every page that asks before anything changes: each page
   * reads it on every change it hears (at most one a second, see `events`), and reading it
   * reads every open escalation's case from the store.
   */
  let version = 0;
  bus.subscribe(() => version++);
  let state: { version: number; at: number; value: Promise<SupervisorState> } | undefined;
  const sharedState = (): Promise<SupervisorState> => {
    // Changes made on other replicas are not heard here: an answer is also at most a second old.
    if (!state || state.version !== version || Date.now() - state.at >= CHANGE_EVERY_MS) {
      const value = supervisorState(engine.store, engine.content, deps.now());
      state = { version, at: Date.now(), value };
      // A failed read is not kept: the next page to ask tries again.
      value.catch(() => {
        if (state?.value === value) state = undefined;
      });
    }
    return state.value;
  };
  const owner = (user: string): DrillOwner => ({ platform: 'console', user, team: 'console', name: 'You' });

  async function api(req: IncomingMessage, res: ServerResponse, path: string, role: ConsoleRole): Promise<void> {
    const post = req.method === 'POST';
    const user = who(req, role);
    if (post && req.headers['x-defuse-console'] !== '1') {
      // Only the console's own script sets this header: a form on another site cannot.
      return send(res, 403, { error: 'forbidden', message: 'Requests must come from the console page.' });
    }
    try {
      if (path === '/coach' && post) {
        const b = await body(req, res, CoachBody);
        if (!b) return;
        const caseId = b.caseId ?? `console:${randomUUID()}`;
        const r = await run(() => engine.coach.coachCase({ caseId, text: b.text, channel: { channel: 'console', address: { agent: user, team: 'console' } } }));
        const stored = await engine.store.cases.get(caseId);
        return send(res, 200, { caseId, advice: r.advice, turns: (stored?.turns ?? []).map((t) => ({ role: t.role, text: t.text })), escalated: r.escalations.length > 0 });
      }
      if (path === '/review' && post) {
        const b = await body(req, res, ReviewBody);
        if (!b) return;
        return send(res, 200, { draft: b.draft, review: engine.coach.review(b.draft, b.context) });
      }
      if (path === '/drill/scenarios' && req.method === 'GET') {
        return send(res, 200, { scenarios: engine.drills.scenarios().map((s) => ({ id: s.id, title: s.title, summary: s.summary })) });
      }
      if (path === '/drill/start' && post) {
        const b = await body(req, res, DrillStartBody);
        if (!b) return;
        const me = owner(user);
        const running = await engine.drills.activeFor(me, 'console:');
        if (running) await engine.drills.stop(me, running);
        const prepared = await run(() => engine.drills.prepare(me, { ...(b.scenario ? { scenario: b.scenario } : {}), ...(b.difficulty ? { difficulty: b.difficulty } : {}) }));
        const drillId = `console:${randomUUID()}`;
        await engine.drills.open(drillId, me, prepared, {});
        const intro = drillIntro(PLAIN, prepared, 'Press Stop to end.');
        return send(res, 200, { drillId, persona: prepared.scenario.persona.name, intro, opening: prepared.opening });
      }
      if (path === '/drill/reply' && post) {
        const b = await body(req, res, DrillReplyBody);
        if (!b) return;
        const me = owner(user);
        const r = await run(() => engine.drills.reply(b.drillId, me.user, b.text));
        if (r.kind !== 'turn') return send(res, 409, { error: r.kind, message: r.kind === 'busy' ? 'Send that again: another reply was being handled.' : 'This drill is over or not yours; start a new one.' });
        if (r.outcome) bus.notify('drill');
        return send(res, 200, { line: r.line, mood: r.mood, stage: r.stage, turn: r.turn, ...(r.scorecard ? { outcome: r.outcome, scorecard: r.scorecard, scorecardText: scorecardLines(PLAIN, r.scorecard) } : {}) });
      }
      if (path === '/drill/stop' && post) {
        const b = await body(req, res, z.strictObject({ drillId: DrillReplyBody.shape.drillId }));
        if (!b) return;
        const r = await engine.drills.stop(owner(user), b.drillId);
        return send(res, 200, { stopped: r.stopped });
      }
      if (path === '/supervisor/state' && req.method === 'GET') {
        if (role !== 'supervisor') return send(res, 403, { error: 'forbidden', message: 'The supervisor view needs the supervisor role.' });
        return send(res, 200, await sharedState());
      }
      if (path === '/supervisor/ack' && post) {
        if (role !== 'supervisor') return send(res, 403, { error: 'forbidden', message: 'Only supervisors can take a case.' });
        const b = await body(req, res, AckBody);
        if (!b) return;
        const took = await engine.coach.takeCase(b.caseId, access.proxyUser(req) ?? 'console supervisor');
        return send(res, 200, { took });
      }
      send(res, 404, { error: 'not_found', message: 'No such console call.' });
    } catch (err) {
      failed(res, err);
    }
  }

  /** Server-sent events: "change" when something happened here, "tick" as a slow heartbeat. */
  function events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n\n');
    // Every coached turn is a change: under load that is hundreds a second, and each makes the
    // page read the supervisor view again. A page hears at most one change a second: the first
    // at once, the rest folded into one that follows.
    let last = 0;
    let held: ConsoleChange | undefined;
    let timer: NodeJS.Timeout | undefined;
    const write = (change: ConsoleChange) => {
      last = Date.now();
      res.write(`event: change\ndata: ${JSON.stringify({ change })}\n\n`);
    };
    const unsubscribe = bus.subscribe((change) => {
      const wait = last + CHANGE_EVERY_MS - Date.now();
      if (wait <= 0 && !timer) return write(change);
      // An escalation or a take matters more than plain advice: it is the one kept.
      if (!held || held === 'advice') held = change;
      timer ??= setTimeout(() => {
        timer = undefined;
        if (held) write(held);
        held = undefined;
      }, Math.max(0, wait));
    });
    const tick = setInterval(() => res.write('event: tick\ndata: {}\n\n'), TICK_MS);
    const end = () => {
      clearInterval(tick);
      if (timer) clearTimeout(timer);
      unsubscribe();
    };
    req.on('close', end);
    res.on('error', end);
  }

  return {
    name: 'console',
    path: '/console',
    match: (path) => path in PAGES || path === '/console' || path.startsWith('/console/'),
    async handle(req, res) {
      const path = (req.url ?? '/').split('?')[0]!;
      const get = req.method === 'GET' || req.method === 'HEAD';
      if (path in PAGES) {
        if (!get) return send(res, 405, { error: 'method_not_allowed' }, { allow: 'GET' });
        return page(req, res, PAGES[path]!, path === '/supervisor' ? 'supervisor' : 'agent');
      }
      const role = access.role(req);
      if (!role) return send(res, 401, { error: 'unauthorized', message: 'Open the console page first.' });
      if (path.startsWith('/console/assets/') && get) {
        const a = assets.get(path.slice('/console/assets/'.length));
        if (!a) return send(res, 404, { error: 'not_found' });
        res.writeHead(200, { 'content-type': a.type, ...SECURITY_HEADERS });
        res.end(a.body);
        return;
      }
      if (path === '/console/events' && get) {
        if (role !== 'supervisor') return send(res, 403, { error: 'forbidden' });
        return events(req, res);
      }
      if (path.startsWith('/console/api/')) return api(req, res, path.slice('/console/api'.length), role);
      send(res, 404, { error: 'not_found' });
    },
  };
}
