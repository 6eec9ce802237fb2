/**
 * Who may open the console: this machine by default; elsewhere only with a token, kept in an
 * HttpOnly cookie; the supervisor view only with the supervisor token; API calls only from
 * the console's own script. Every response carries the strict Content-Security-Policy.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service-harness.ts';

const AGENT = 'a'.repeat(32);
const SUPERVISOR = 'b'.repeat(32);
const FAR = { 'x-forwarded-for': '203.0.113.7' };
let t: TestService | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${t!.base}${path}`, { headers, redirect: 'manual' });

describe('console access', () => {
  it('is this machine only without tokens', async () => {
    t = await startTestService({ TEAMS_ENABLED: 'false' });
    const local = await get('/');
    expect(local.status).toBe(200);
    expect(local.headers.get('content-security-policy')).toBe("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    expect(await local.text()).toContain('<script type="module" src="/console/assets/app.js">');
    expect((await get('/supervisor')).status).toBe(200);
    expect((await get('/', FAR)).status).toBe(401);
    expect((await get('/console/api/drill/scenarios', FAR)).status).toBe(401);
    expect((await get('/console/assets/app.js')).headers.get('content-type')).toContain('text/javascript');
  });

  it('swaps a token in the address for an HttpOnly cookie, and gives agents no supervisor view', async () => {
    t = await startTestService({ TEAMS_ENABLED: 'false', CONSOLE_TOKEN: AGENT, CONSOLE_SUPERVISOR_TOKEN: SUPERVISOR });
    expect((await get(`/?token=${'x'.repeat(32)}`, FAR)).status).toBe(401);
    const login = await get(`/?token=${AGENT}`, FAR);
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/');
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^defuse_console=a{32}; HttpOnly; SameSite=Strict; Path=\//);
    const asAgent = { ...FAR, cookie: cookie.split(';')[0]! };
    expect((await get('/', asAgent)).status).toBe(200);
    expect((await get('/supervisor', asAgent)).status).toBe(403);
    expect((await get('/console/api/supervisor/state', asAgent)).status).toBe(403);
    expect((await get('/console/events', asAgent)).status).toBe(403);

    const asSupervisor = { ...FAR, authorization: `Bearer ${SUPERVISOR}` };
    expect((await get('/supervisor', asSupervisor)).status).toBe(200);
    const state = await get('/console/api/supervisor/state', asSupervisor);
    expect(state.status).toBe(200);
    expect(await state.json()).toMatchObject({ escalations: [], active: { total: 0 } });
  });

  it('believes a signing-in proxy\'s user header when configured, with supervisors by name', async () => {
    t = await startTestService({ TEAMS_ENABLED: 'false', CONSOLE_AUTH_HEADER: 'X-Forwarded-Email', CONSOLE_SUPERVISOR_USERS: 'Lee@Example.com' });
    expect((await get('/', FAR)).status).toBe(401);
    expect((await get('/', { ...FAR, 'x-forwarded-email': 'sam@example.com' })).status).toBe(200);
    expect((await get('/supervisor', { ...FAR, 'x-forwarded-email': 'sam@example.com' })).status).toBe(403);
    expect((await get('/supervisor', { ...FAR, 'x-forwarded-email': 'lee@example.com' })).status).toBe(200);
  });

  it('takes API calls only from the console script, and validates them', async () => {
    t = await startTestService({ TEAMS_ENABLED: 'false' });
    const post = (path: string, body: unknown, headers: Record<string, string> = { 'x-defuse-console': '1' }) =>
      fetch(`${t!.base}/console/api${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    expect((await post('/coach', { text: 'Where is my order?' }, {})).status).toBe(403);
    const ok = await post('/coach', { text: 'Where is my order? It is a week late and nobody answers!' });
    expect(ok.status).toBe(200);
    const r = (await ok.json()) as { caseId: string; advice: { emotion: string }; turns: { role: string; text: string }[] };
    expect(r.caseId).toMatch(/^console:/);
    expect(r.turns).toEqual([{ role: 'customer', text: 'Where is my order? It is a week late and nobody answers!' }]);
    const bad = await post('/coach', { text: 'hi', caseId: 'slack:T1:C1:1.2' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_request', field: 'caseId' });
    expect((await post('/coach', { text: '   ' })).status).toBe(400);
  });

  it('gives every browser its own drill, even on one shared token', async () => {
    t = await startTestService({ TEAMS_ENABLED: 'false', CONSOLE_TOKEN: AGENT });
    const browserOf = async () => {
      const page = await get('/', { ...FAR, authorization: `Bearer ${AGENT}` });
      const set = page.headers.get('set-cookie')!;
      expect(set).toMatch(/^defuse_browser=[0-9a-f-]{36}; HttpOnly; SameSite=Strict; Path=\//);
      return set.split(';')[0]!;
    };
    const start = async (browser: string) => {
      const r = await fetch(`${t!.base}/console/api/drill/start`, { method: 'POST', headers: { ...FAR, authorization: `Bearer ${AGENT}`, cookie: browser, 'content-type': 'application/json', 'x-defuse-console': '1' }, body: JSON.stringify({ scenario: 'late-delivery' }) });
      expect(r.status).toBe(200);
      return ((await r.json()) as { drillId: string }).drillId;
    };
    const [a, b] = [await browserOf(), await browserOf()];
    expect(a).not.toBe(b);
    const first = await start(a);
    const second = await start(b);
    // Starting the second did not stop the first: different people.
    expect((await t.service.store.drills.get(first))!.status).toBe('active');
    expect((await t.service.store.drills.get(second))!.status).toBe('active');
    // The same browser starting again does replace its own.
    await start(a);
    expect((await t.service.store.drills.get(first))!.status).toBe('abandoned');
  });

  it('shows drill results only of agents who chose to share them', async () => {
    t = await startTestService({ TEAMS_ENABLED: 'false' });
    const store = t.service.store;
    const at = new Date().toISOString();
    const card = (id: string, user: string, name: string, score: number) =>
      store.drills.addScorecard({ id, sessionId: id, userId: `slack:${user}`, team: 'slack:T1', card: { scenario: 'late-delivery', difficulty: 'hard', score, name, skills: [] }, createdAt: at });
    await card('d1', 'U_SHARE', 'Sam', 82);
    await card('d2', 'U_PRIVATE', 'Pat', 40);
    await store.preferences.setLeaderboard('slack', 'U_SHARE', true, at);
    const state = (await (await get('/console/api/supervisor/state')).json()) as { drills: { who: string; score: number; scenario: string; difficulty: string }[] };
    expect(state.drills).toEqual([{ who: 'Sam', scenario: 'late-delivery', difficulty: 'hard', score: 82, at }]);
  });

  it('folds a burst of changes into at most one event a second per page', async () => {
    t = await startTestService({ TEAMS_ENABLED: 'false' });
    const controller = new AbortController();
    const res = await fetch(`${t.base}/console/events`, { signal: controller.signal });
    const reader = res.body!.getReader();
    let text = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        text += Buffer.from(value!).toString();
      }
    })();
    const started = Date.now();
    for (let i = 0; i < 10; i++) {
      await fetch(`${t.base}/api/v1/coach`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: `Where is my order number ${i}? It is late.` }) });
    }
    await new Promise((r) => setTimeout(r, 1500));
    const seconds = (Date.now() - started) / 1000;
    controller.abort();
    await reading;
    const events = text.split('event: change').length - 1;
    // The first at once, then at most one a second: the others are folded in (not ten events).
    expect(events).toBeGreaterThanOrEqual(2);
    expect(events).toBeLessThanOrEqual(1 + Math.ceil(seconds));
  });

  it('streams a change event to an open supervisor page when advice is given', async () => {
    t = await startTestService({ TEAMS_ENABLED: 'false' });
    const controller = new AbortController();
    const res = await fetch(`${t.base}/console/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const seen: string[] = [];
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        seen.push(Buffer.from(value).toString());
        if (seen.join('').includes('"change":"escalation"')) return;
      }
    })();
    await fetch(`${t.base}/api/v1/coach`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'My solicitor will be in touch about this, I am taking legal action.' }) });
    await reading;
    controller.abort();
    expect(seen.join('')).toContain('event: change\ndata: {"change":"escalation"}');
  });
});
