/**
 * The REST API end to end: the real service over HTTP on loopback. Bearer keys, loopback-only
 * without keys, validation errors naming the field, cases private to the key that opened them,
 * rate limits, and the OpenAPI document generated from the same schemas.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AdviceSchema, ReviewSchema } from '../../src/core/advice.ts';
import { CaseViewSchema } from '../../src/api/schemas.ts';
import { startTestService, type TestService } from '../support/service-harness.ts';

const SIDEBAR = 's'.repeat(32);
const SCRIPT = 't'.repeat(32);
let t: TestService | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

async function call(path: string, init: { method?: string; body?: unknown; key?: string; headers?: Record<string, string> } = {}) {
  const r = await fetch(`${t!.base}/api/v1${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(init.key ? { authorization: `Bearer ${init.key}` } : {}), ...init.headers },
    ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
  });
  const text = await r.text();
  return { status: r.status, headers: r.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

describe('REST API with keys', () => {
  it('coaches, continues a case by case_id, and reads it back redacted, for the key that opened it only', async () => {
    t = await startTestService({ DEFUSE_API_KEYS: `sidebar:${SIDEBAR},script:${SCRIPT}`, TEAMS_ENABLED: 'false' });
    const first = await call('/coach', { key: SIDEBAR, body: { text: 'This is the THIRD time I am writing!!! My card 4111 1111 1111 1111 was charged twice.' } });
    expect(first.status).toBe(200);
    const advice = AdviceSchema.parse(first.json);
    expect(advice.caseId).toMatch(/^api:/);
    expect(advice.flags).toContain('repeat_contact');

    const second = await call('/coach', { key: SIDEBAR, body: { case_id: advice.caseId, turns: [{ role: 'agent', text: 'I am so sorry, that is a lot of hassle.' }, { role: 'customer', text: 'ok. so what are you going to do?' }] } });
    expect(second.status).toBe(200);
    expect(AdviceSchema.parse(second.json).trend.history).toHaveLength(2);

    const got = await call(`/cases/${encodeURIComponent(advice.caseId!)}`, { key: SIDEBAR });
    expect(got.status).toBe(200);
    const view = CaseViewSchema.parse(got.json);
    expect(view.turns.map((x) => x.role)).toEqual(['customer', 'agent', 'customer']);
    expect(JSON.stringify(view)).not.toContain('4111');
    expect(view.turns[0]!.text).toContain('[card]');
    expect(view.turns[0]!.assessment?.emotion).toBeDefined();

    // Another key sees nothing of it, and cannot continue it.
    expect((await call(`/cases/${encodeURIComponent(advice.caseId!)}`, { key: SCRIPT })).status).toBe(404);
    const other = await call('/coach', { key: SCRIPT, body: { case_id: advice.caseId, text: 'hello?' } });
    expect(other.status).toBe(404);
    expect(other.json).toMatchObject({ error: 'not_found', field: 'case_id' });
  });

  it('carries the caller\'s request id into every log line of the turn, and never the text', async () => {
    t = await startTestService({ DEFUSE_API_KEYS: `sidebar:${SIDEBAR}`, TEAMS_ENABLED: 'false' });
    const r = await call('/coach', { key: SIDEBAR, body: { text: 'I want to speak to your manager about this refund right now.' }, headers: { 'x-request-id': 'helpdesk-7781' } });
    expect(r.headers.get('x-request-id')).toBe('helpdesk-7781');
    const lines = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.requestId === 'helpdesk-7781');
    expect(lines.map((l) => l.msg)).toContain('coached');
    expect(t.logs.join('\n')).not.toContain('speak to your manager');
  });

  it('reviews a draft', async () => {
    t = await startTestService({ DEFUSE_API_KEYS: `sidebar:${SIDEBAR}`, TEAMS_ENABLED: 'false' });
    const r = await call('/review', { key: SIDEBAR, body: { draft: 'Calm down, you should have read the policy.', context: 'Where is my refund??' } });
    expect(r.status).toBe(200);
    const review = ReviewSchema.parse(r.json);
    expect(review.behaviours).toEqual(expect.arrayContaining(['dismiss']));
  });

  it('refuses a missing or wrong key with 401, and never by comparing lengths alone', async () => {
    t = await startTestService({ DEFUSE_API_KEYS: `sidebar:${SIDEBAR}`, TEAMS_ENABLED: 'false' });
    const none = await call('/coach', { body: { text: 'hello' } });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await call('/coach', { key: 'x'.repeat(32), body: { text: 'hello' } })).status).toBe(401);
    expect((await call('/coach', { key: SIDEBAR.slice(1), body: { text: 'hello' } })).status).toBe(401);
  });

  it('answers bad requests with 400 and the field, 415 for the wrong type, 405 for the wrong method', async () => {
    t = await startTestService({ DEFUSE_API_KEYS: `sidebar:${SIDEBAR}`, TEAMS_ENABLED: 'false' });
    const k = SIDEBAR;
    expect((await call('/coach', { key: k, body: {} })).json).toMatchObject({ error: 'invalid_request', field: 'text' });
    expect((await call('/coach', { key: k, body: { text: 'a', turns: [{ role: 'customer', text: 'b' }] } })).json).toMatchObject({ error: 'invalid_request', field: 'text' });
    expect((await call('/coach', { key: k, body: { turns: [{ role: 'boss', text: 'b' }] } })).json).toMatchObject({ error: 'invalid_request', field: 'turns.0.role' });
    expect((await call('/coach', { key: k, body: { text: 'hi', mood: 'x' } })).json).toMatchObject({ error: 'invalid_request', field: 'mood' });
    expect((await call('/coach', { key: k, body: '{"text": "unfinished' })).json).toMatchObject({ error: 'invalid_json' });
    const empty = await call('/coach', { key: k, body: { text: '   ' } });
    expect(empty.status).toBe(400);
    expect(empty.json).toMatchObject({ error: 'input_empty', field: 'text' });
    expect((await call('/review', { key: k, body: { draft: '' } })).json).toMatchObject({ error: 'invalid_request', field: 'draft' });
    expect((await call('/coach', { key: k, body: 'text=hello', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
    expect((await call('/coach', { key: k })).status).toBe(405);
    expect((await call('/nothing', { key: k })).status).toBe(404);
  });

  it('limits a runaway caller with 429 and Retry-After, and counts it', async () => {
    t = await startTestService({ DEFUSE_API_KEYS: `sidebar:${SIDEBAR}`, TEAMS_ENABLED: 'false', RATE_LIMIT_USER_PER_MINUTE: '3' });
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 5; i++) {
      const r = await call('/coach', { key: SIDEBAR, body: { text: `Where is my parcel? Attempt ${i}` } });
      statuses.push(r.status);
      if (r.status === 429) limited = r;
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(String(limited!.json!.message)).toMatch(/not read or stored/);
    expect(await (await fetch(`${t.base}/metrics`)).text()).toContain('defuse_http_requests_total{route="api",status="429"} 2');
  });
});

describe('REST API without keys', () => {
  it('answers loopback callers, but not through a proxy', async () => {
    t = await startTestService({ TEAMS_ENABLED: 'false' });
    expect((await call('/coach', { body: { text: 'My order never came and nobody answers.' } })).status).toBe(200);
    const proxied = await call('/coach', { body: { text: 'hello' }, headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(proxied.status).toBe(401);
    expect(String(proxied.json!.message)).toMatch(/DEFUSE_API_KEYS/);
  });

  it('serves an OpenAPI document built from the request and response schemas', async () => {
    t = await startTestService({ TEAMS_ENABLED: 'false' });
    const r = await call('/openapi.json');
    expect(r.status).toBe(200);
    const doc = r.json as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/cases/{id}', '/coach', '/review']);
    expect(Object.keys(doc.components.schemas.CoachRequest!.properties!).sort()).toEqual(['case_id', 'text', 'turns']);
    expect(doc.components.schemas.Advice!.required).toEqual(expect.arrayContaining(['emotion', 'stage', 'step', 'say']));
    expect(doc.components.schemas.ReviewRequest!.required).toEqual(['draft']);
  });
});
