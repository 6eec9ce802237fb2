/**
 * Who may open the console. It holds customer text, so by default only the machine itself may:
 * a loopback caller that did not come through a proxy (the operator who ran `npm start`), with
 * the supervisor role. Exposing it takes tokens: CONSOLE_TOKEN for agents, and
 * CONSOLE_SUPERVISOR_TOKEN for the supervisor view, presented once as ?token= (then kept in an
 * HttpOnly, SameSite=Strict cookie) or as a bearer header.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type ConsoleRole = 'agent' | 'supervisor';

export interface ConsoleAccessConfig {
  token: string | undefined;
  supervisorToken: string | undefined;
}

export const CONSOLE_COOKIE = 'defuse_console';
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const digest = (s: string) => createHash('sha256').update(s).digest();

export function isLocal(req: IncomingMessage): boolean {
  const proxied = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
  return LOOPBACK.has(req.socket.remoteAddress ?? '') && !proxied;
}

export function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === CONSOLE_COOKIE) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export function presentedToken(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1] ?? cookieToken(req);
}

export class ConsoleAccess {
  private readonly agent: Buffer | undefined;
  private readonly supervisor: Buffer | undefined;
  constructor(config: ConsoleAccessConfig) {
    this.agent = config.token ? digest(config.token) : undefined;
    this.supervisor = config.supervisorToken ? digest(config.supervisorToken) : undefined;
  }

  /** The role a token gives, if any. */
  roleOf(token: string | undefined): ConsoleRole | undefined {
    if (!token) return undefined;
    const d = digest(token);
    if (this.supervisor && timingSafeEqual(d, this.supervisor)) return 'supervisor';
    if (this.agent && timingSafeEqual(d, this.agent)) return 'agent';
    return undefined;
  }

  /** The caller's role, or undefined when they may not use the console at all. */
  role(req: IncomingMessage): ConsoleRole | undefined {
    return this.roleOf(presentedToken(req)) ?? (isLocal(req) ? 'supervisor' : undefined);
  }

  get exposed(): boolean {
    return this.agent !== undefined || this.supervisor !== undefined;
  }
}
