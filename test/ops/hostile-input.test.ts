/**
 * What a network can throw at the service: oversized and unbounded bodies, JSON nested past
 * reason, bytes that are not UTF-8, forged and replayed Slack requests, a flood from one user.
 * Each is refused or limited with the right status, and the service keeps answering.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT, eventEnvelope, nextTs, sendEvent, sign, startHarness, type Harness } from '../slack/slack-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

/** A raw request, so the test controls Content-Length, chunking and the exact bytes. */
function raw(path: string, body: Buffer, headers: Record<string, string | number>, chunked = false): Promise<{ status: number; body: string }> {
  const url = new URL(h.base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'POST', headers: chunked ? headers : { ...headers, 'content-length': body.length } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    // The server may answer and close before the whole body is written: that is the point.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
    if (chunked) {
      req.write(body.subarray(0, 10));
      req.end(body.subarray(10));
    } else req.end(body);
  });
}

const json = { 'content-type': 'application/json' };
const big = Buffer.alloc(1024 * 1024 + 100, 'a');
const deep = Buffer.from(`{"text":${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
const notUtf8 = Buffer.concat([Buffer.from('{"text":"caf'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);

describe('hostile input', () => {
  it('refuses bodies over 1 MiB with 413 on every route, before reading them', async () => {
    for (const path of ['/slack/events', '/api/messages', '/api/v1/coach']) {
      const r = await raw(path, big, json);
      expect(r.status, path).toBe(413);
    }
  });

  it('reads a body of unknown length (chunked) only up to the limit: 413 beyond it, answered below it', async () => {
    for (const path of ['/slack/events', '/api/messages', '/api/v1/coach']) {
      const r = await raw(path, big, { ...json, 'transfer-encoding': 'chunked' }, true);
      expect(r.status, path).toBe(413);
    }
    const small = await raw('/api/v1/coach', Buffer.from('{"text":"my parcel is late again"}'), { ...json, 'transfer-encoding': 'chunked' }, true);
    expect(small.status).toBe(200);
  });

  it('answers JSON nested 200,000 deep with 400, not a crash', async () => {
    expect((await raw('/api/v1/coach', deep, json)).status).toBe(400);
    expect((await raw('/api/messages', deep, json)).status).toBe(400);
    // Signed, it parses (V8's JSON parser does not recurse) but is no Slack payload: Bolt
    // answers 404 (nothing handles it) once its acknowledgement window has passed.
    const signed = await raw('/slack/events', deep, { ...json, ...sign(deep.toString()) });
    expect([400, 404]).toContain(signed.status);
  });

  it('answers bytes that are not UTF-8 with 400', async () => {
    expect(JSON.parse((await raw('/api/v1/coach', notUtf8, json)).body)).toMatchObject({ error: 'invalid_utf8' });
    expect(JSON.parse((await raw('/api/messages', notUtf8, json)).body)).toMatchObject({ error: 'invalid_utf8' });
  });

  it('refuses a forged signature, and a captured request replayed after five minutes', async () => {
    const body = eventEnvelope({ type: 'app_mention', user: 'U_EVE', text: `<@${BOT}> hello`, ts: nextTs(), channel: 'C_X' });
    const forged = await raw('/slack/events', Buffer.from(body), { ...json, ...sign(body, undefined, '0'.repeat(32)) });
    expect(forged.status).toBe(401);
    const old = Math.floor(Date.now() / 1000) - 6 * 60;
    const replayed = await raw('/slack/events', Buffer.from(body), { ...json, ...sign(body, old) });
    expect(replayed.status).toBe(401);
    expect(h.slack.of('chat.postMessage').filter((c) => c.body.channel === 'C_X')).toHaveLength(0);
  });

  it('answers a request replayed within the window once', async () => {
    const body = eventEnvelope({ type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> my refund is two weeks late`, ts: nextTs(), channel: 'C_REPLAY' }, 'EvReplay1');
    const headers = { ...json, ...sign(body) };
    expect((await raw('/slack/events', Buffer.from(body), headers)).status).toBe(200);
    expect((await raw('/slack/events', Buffer.from(body), headers)).status).toBe(200);
    await h.slack.waitFor('chat.postMessage', 1, (c) => c.body.channel === 'C_REPLAY');
    await new Promise((r) => setTimeout(r, 200));
    expect(h.slack.of('chat.postMessage').filter((c) => c.body.channel === 'C_REPLAY')).toHaveLength(1);
  });

  it('limits a flood from one user: the first twenty a minute are coached, the rest told to wait, others unaffected', async () => {
    for (let i = 0; i < 26; i++) await sendEvent(h, { type: 'app_mention', user: 'U_FLOOD', text: `<@${BOT}> where is my order ${i}`, ts: nextTs(), channel: 'C_FLOOD' });
    await sendEvent(h, { type: 'app_mention', user: 'U_CALM', text: `<@${BOT}> the customer says nobody called back`, ts: nextTs(), channel: 'C_FLOOD' });
    const posts = await h.slack.waitFor('chat.postMessage', 27, (c) => c.body.channel === 'C_FLOOD');
    const texts = posts.map((c) => String(c.body.text));
    const waits = texts.filter((x) => /more messages than I can coach well/.test(x));
    expect(waits).toHaveLength(6);
    expect(posts.filter((c) => c.body.metadata !== undefined)).toHaveLength(21);
    const metrics = await (await fetch(`${h.base}/metrics`)).text();
    expect(metrics).toContain('defuse_rate_limited_total{scope="user"} 6');
  });

  it('is still healthy and ready after all of it', async () => {
    expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
    expect((await fetch(`${h.base}/readyz`)).status).toBe(200);
  });
});
