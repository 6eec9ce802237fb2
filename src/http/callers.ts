/**
 * Telling callers apart, for the parts of the service that answer only some of them (the
 * REST API, the console): is it this machine, and does it hold a given secret.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * A caller on this machine that did not come through a proxy: a reverse proxy on the same
 * host would otherwise make everyone look local.
 */
export function isLocal(req: IncomingMessage): boolean {
  const proxied = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
  return LOOPBACK.has(req.socket.remoteAddress ?? '') && !proxied;
}

/**
 * Secrets compared as SHA-256 digests with timingSafeEqual: the comparison takes the same time
 * whatever was sent, and whatever its length.
 */
export class Secrets<T> {
  private readonly entries: { digest: Buffer; value: T }[];
  constructor(entries: readonly { secret: string; value: T }[]) {
    this.entries = entries.map((e) => ({ digest: digestOf(e.secret), value: e.value }));
  }

  /** What the presented secret stands for, if it is one of them. */
  match(presented: string | undefined): T | undefined {
    if (!presented) return undefined;
    const d = digestOf(presented);
    return this.entries.find((e) => timingSafeEqual(e.digest, d))?.value;
  }

  get size(): number {
    return this.entries.length;
  }
}

const digestOf = (s: string) => createHash('sha256').update(s).digest();
