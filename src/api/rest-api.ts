/**
 * The REST API for integrations (helpdesk sidebars, scripts), at /api/v1: coach, review, read
 * a case, and the OpenAPI document. Bearer keys come from DEFUSE_API_KEYS; with none set the
 * API answers only to loopback callers that did not come through a proxy. A key sees only
 * the cases it opened. Every error is JSON with a stable code, and the field when one is wrong.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { ApiKey } from '../config.ts';
import type { ChannelRef } from '../core/ports/case-store.ts';
import { DefuseError } from '../core/errors.ts';
import { expectedFailure } from '../http/failures.ts';
import type { Engine } from '../engine.ts';
import { readJson } from '../http/body.ts';
import { isLocal, Secrets } from '../http/callers.ts';
import { MAX_BODY_BYTES, send, type Route } from '../http/server.ts';
import type { Turns } from '../http/turns.ts';
import type { Logger } from '../log.ts';
import { openApiDocument } from './openapi.ts';
import { CoachBodySchema, ReviewBodySchema, type CaseView } from './schemas.ts';

export const API_PATH = '/api/v1';


type Fail = { status: number; error: string; message: string; field?: string; headers?: Record<string, string> };

function fail(res: ServerResponse, f: Fail): void {
  send(res, f.status, { error: f.error, message: f.message, ...(f.field ? { field: f.field } : {}) }, f.headers);
}

export function createRestApi(deps: { engine: Engine; keys: ApiKey[]; log: Logger; turns?: Turns; version: string }): Route {
  const { engine, log } = deps;
  const keys = new Secrets(deps.keys.map((k) => ({ secret: k.secret, value: k.name })));
  const doc = JSON.stringify(openApiDocument(deps.version));
  const run = <T>(fn: () => Promise<T>) => (deps.turns ? deps.turns.run('api', fn) : fn());

  /** The caller's name, or why it may not call. */
  function caller(req: IncomingMessage): { name: string } | Fail {
    if (keys.size === 0) {
      if (isLocal(req)) return { name: 'local' };
      return { status: 401, error: 'unauthorized', message: 'The API answers on loopback only until DEFUSE_API_KEYS is set.' };
    }
    const name = keys.match(/^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1]);
    if (name) return { name };
    return { status: 401, error: 'unauthorized', message: 'Send "Authorization: Bearer <key>" with a key from DEFUSE_API_KEYS.', headers: { 'www-authenticate': 'Bearer' } };
  }

  async function json<S extends z.ZodType>(req: IncomingMessage, schema: S): Promise<{ ok: true; value: z.infer<S> } | Fail> {
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/json\b/i.test(type)) return { status: 415, error: 'unsupported_media_type', message: 'Send the body as application/json.' };
    const r = await readJson(req, schema, MAX_BODY_BYTES);
    if (r.ok) return r;
    return { status: r.status, error: r.error, message: r.message, ...(r.field ? { field: r.field } : {}) };
  }

  /** The stored case if this caller opened it; anything else is "not found", not "forbidden". */
  async function ownCase(id: string, who: string) {
    const c = await engine.store.cases.get(id);
    if (!c || c.channel?.channel !== 'api' || c.channel.address.agent !== who) return undefined;
    return c;
  }

  function failure(err: unknown, field: string): Fail {
    const known = expectedFailure(err);
    if (known) return known.status === 400 ? { ...known, field } : known;
    log.error('api request failed', { code: err instanceof DefuseError ? err.code : 'internal' });
    return { status: 500, error: 'internal', message: 'Something went wrong on our side; nothing you sent was lost. Try again.' };
  }

  async function coach(req: IncomingMessage, res: ServerResponse, who: string): Promise<void> {
    const body = await json(req, CoachBodySchema);
    if (!('ok' in body)) return fail(res, body);
    const b = body.value;
    if (b.case_id !== undefined && !(await ownCase(b.case_id, who))) return fail(res, { status: 404, error: 'not_found', message: 'No case with this id was opened with this key.', field: 'case_id' });
    const channel: ChannelRef = { channel: 'api', address: { agent: who, team: who } };
    try {
      const r = await run(() =>
        engine.coach.coachCase({ caseId: b.case_id ?? `api:${randomUUID()}`, ...(b.text !== undefined ? { text: b.text } : { turns: b.turns! }), channel }),
      );
      log.info('coached', { channel: 'api', caseId: r.caseId, emotion: r.advice.emotion, stage: r.advice.stage, step: r.advice.step, escalations: r.escalations.length });
      send(res, 200, r.advice);
    } catch (err) {
      fail(res, failure(err, b.text !== undefined ? 'text' : 'turns'));
    }
  }

  async function review(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await json(req, ReviewBodySchema);
    if (!('ok' in body)) return fail(res, body);
    try {
      send(res, 200, engine.coach.review(body.value.draft, body.value.context));
    } catch (err) {
      fail(res, failure(err, 'draft'));
    }
  }

  async function getCase(res: ServerResponse, id: string, who: string): Promise<void> {
    try {
      const c = await ownCase(id, who);
      if (!c) return fail(res, { status: 404, error: 'not_found', message: 'No case with this id was opened with this key.' });
      const escalations = await engine.store.escalations.forCase(id);
      const view: CaseView = {
        id: c.id,
        open: c.open,
        created_at: c.createdAt,
        updated_at: c.updatedAt,
        turns: c.turns.map((t) => ({ seq: t.seq, role: t.role, text: t.text, at: t.at, ...(t.assessment ? { assessment: t.assessment } : {}) })),
        steps_taken: c.stepsTaken,
        escalations: escalations.map((e) => ({
          reason: e.reason,
          created_at: e.createdAt,
          summary: e.summary,
          ...(e.acknowledgedBy ? { acknowledged_by: e.acknowledgedBy } : {}),
          ...(e.acknowledgedAt ? { acknowledged_at: e.acknowledgedAt } : {}),
        })),
      };
      send(res, 200, view);
    } catch (err) {
      fail(res, failure(err, 'id'));
    }
  }

  return {
    name: 'api',
    path: API_PATH,
    async handle(req, res) {
      const path = (req.url ?? '').split('?')[0]!.slice(API_PATH.length);
      if (path === '/openapi.json' && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(doc);
        return;
      }
      const who = caller(req);
      if (!('name' in who)) return fail(res, who);
      if (path === '/coach') return req.method === 'POST' ? coach(req, res, who.name) : fail(res, notAllowed('POST'));
      if (path === '/review') return req.method === 'POST' ? review(req, res) : fail(res, notAllowed('POST'));
      const m = /^\/cases\/([^/]+)$/.exec(path);
      if (m) {
        if (req.method !== 'GET') return fail(res, notAllowed('GET'));
        let id: string;
        try {
          id = decodeURIComponent(m[1]!);
        } catch {
          return fail(res, { status: 400, error: 'invalid_request', message: 'The case id is not a valid URL segment.', field: 'id' });
        }
        return getCase(res, id, who.name);
      }
      fail(res, { status: 404, error: 'not_found', message: 'No such endpoint: see /api/v1/openapi.json.' });
    },
  };
}

const notAllowed = (method: string): Fail => ({ status: 405, error: 'method_not_allowed', message: `Use ${method}.`, headers: { allow: method } });
