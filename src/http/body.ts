/** Reading a request body with a bound, for the routes that parse JSON themselves (Teams, the REST API). */
import type { IncomingMessage } from 'node:http';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

export type Body = { ok: true; text: string } | { ok: false; error: 'too_large' | 'invalid_utf8' };

/** The body's bytes, or undefined when it runs over `max`. */
export async function readRawBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readBody(req: IncomingMessage, max: number): Promise<Body> {
  const raw = await readRawBody(req, max);
  if (raw === undefined) return { ok: false, error: 'too_large' };
  try {
    return { ok: true, text: UTF8.decode(raw) };
  } catch {
    return { ok: false, error: 'invalid_utf8' };
  }
}
