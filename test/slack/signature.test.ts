import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkSlackSignature } from '../../src/slack/signature.ts';

const SECRET = '8f742231b10e8888abcd99eeeeee85a5';
const NOW = 1_800_000_000;
const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const sig = (ts: number, body: string, secret = SECRET) => `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;

describe('the Slack signature check', () => {
  const body = '{"type":"event_callback","event":{"type":"app_mention"}}';
  const headers = (ts: number, s: string) => ({ 'content-type': 'application/json', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': s });

  it('accepts a body signed with the secret within five minutes', () => {
    expect(checkSlackSignature(SECRET, req(headers(NOW - 299, sig(NOW - 299, body))), Buffer.from(body), NOW)).toEqual({ ok: true, body: Buffer.from(body) });
  });

  it('refuses another secret, another body, a stale timestamp and missing headers', () => {
    expect(checkSlackSignature(SECRET, req(headers(NOW, sig(NOW, body, '0'.repeat(32)))), Buffer.from(body), NOW)).toEqual({ ok: false, why: 'mismatch' });
    expect(checkSlackSignature(SECRET, req(headers(NOW, sig(NOW, body))), Buffer.from(`${body} `), NOW)).toEqual({ ok: false, why: 'mismatch' });
    expect(checkSlackSignature(SECRET, req(headers(NOW, 'v0=abc')), Buffer.from(body), NOW)).toEqual({ ok: false, why: 'mismatch' });
    expect(checkSlackSignature(SECRET, req(headers(NOW - 301, sig(NOW - 301, body))), Buffer.from(body), NOW)).toEqual({ ok: false, why: 'stale' });
    expect(checkSlackSignature(SECRET, req({ 'content-type': 'application/json' }), Buffer.from(body), NOW)).toEqual({ ok: false, why: 'missing' });
    expect(checkSlackSignature(SECRET, req(headers(Number.NaN, sig(NOW, body))), Buffer.from(body), NOW)).toEqual({ ok: false, why: 'missing' });
  });

  it('lets Slack\'s unsigned SSL check through, stripped of anything smuggled beside it', () => {
    const r = checkSlackSignature(SECRET, req({ 'content-type': 'application/x-www-form-urlencoded' }), Buffer.from('ssl_check=1&payload=%7B%22type%22%3A%22block_actions%22%7D'), NOW);
    expect(r).toEqual({ ok: true, body: Buffer.from('ssl_check=1') });
  });
});
