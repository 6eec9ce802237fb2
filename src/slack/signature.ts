/**
 * Slack's request signature (v0: HMAC-SHA256 over "v0:<timestamp>:<body>" with the signing
 * secret), checked before Bolt sees the request. Bolt's own check does the same with a
 * comparison that computes two more HMACs per request; at a few hundred events a second that
 * was a measurable share of the service's time (npm run load), so Defuse checks once, with
 * crypto.timingSafeEqual, and hands Bolt the already-read body.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Slack's own rule: a request older than five minutes may be a replay. */
const MAX_AGE_SEC = 5 * 60;

export type SignatureCheck = { ok: true; body: Buffer } | { ok: false; why: 'missing' | 'stale' | 'mismatch' };

export function checkSlackSignature(secret: string, req: IncomingMessage, body: Buffer, nowSec: number): SignatureCheck {
  const type = String(req.headers['content-type'] ?? '');
  if (type.startsWith('application/x-www-form-urlencoded')) {
    // Slack's SSL check carries no signature; anything smuggled beside it is dropped.
    const params = new URLSearchParams(body.toString('utf8'));
    if (params.get('ssl_check') === '1') return { ok: true, body: Buffer.from('ssl_check=1') };
  }
  const signature = req.headers['x-slack-signature'];
  const timestamp = req.headers['x-slack-request-timestamp'];
  if (typeof signature !== 'string' || typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return { ok: false, why: 'missing' };
  if (Number(timestamp) < nowSec - MAX_AGE_SEC) return { ok: false, why: 'stale' };
  const expected = Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex')}`);
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, why: 'mismatch' };
  return { ok: true, body };
}
