/**
 * Who may open the console. It holds customer text, so by default only the machine itself may:
 * a loopback caller that did not come through a proxy (the operator who ran `npm start`), with
 * the supervisor role. Exposing it takes tokens: CONSOLE_TOKEN for agents, and
 * CONSOLE_SUPERVISOR_TOKEN for the supervisor view, presented once as ?token= (then kept in an
 * HttpOnly, SameSite=Strict cookie) or as a bearer header. Or a reverse proxy that signs people
 * in (oauth2-proxy and the like) names the user in CONSOLE_AUTH_HEADER; those listed in
 * CONSOLE_SUPERVISOR_USERS get the supervisor view. That header is believed as sent, so it is
 * for a service reachable only through that proxy.
 */
import type { IncomingMessage } from 'node:http';
import { isLocal, Secrets } from '../http/callers.ts';

export type ConsoleRole = 'agent' | 'supervisor';

export interface ConsoleAccessConfig {
  token: string | undefined;
  supervisorToken: string | undefined;
  authHeader?: string;
  supervisorUsers?: string[];
}

export const CONSOLE_COOKIE = 'defuse_console';
/** A random id per browser, so people sharing one token still have their own drills and limits. */
export const BROWSER_COOKIE = 'defuse_browser';

export function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) {
      try {
        return decodeURIComponent(v.join('='));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function cookieToken(req: IncomingMessage): string | undefined {
  return cookie(req, CONSOLE_COOKIE);
}

export function presentedToken(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1] ?? cookieToken(req);
}

export class ConsoleAccess {
  private readonly tokens: Secrets<ConsoleRole>;
  private readonly authHeader: string | undefined;
  private readonly supervisorUsers: ReadonlySet<string>;
  constructor(config: ConsoleAccessConfig) {
    this.tokens = new Secrets<ConsoleRole>([
      ...(config.supervisorToken ? [{ secret: config.supervisorToken, value: 'supervisor' as const }] : []),
      ...(config.token ? [{ secret: config.token, value: 'agent' as const }] : []),
    ]);
    this.authHeader = config.authHeader;
    this.supervisorUsers = new Set(config.supervisorUsers ?? []);
  }

  /** The user the signing-in proxy names, if it is configured and named one. */
  proxyUser(req: IncomingMessage): string | undefined {
    if (!this.authHeader) return undefined;
    const user = req.headers[this.authHeader];
    if (typeof user !== 'string' || user.trim() === '' || user.length > 200) return undefined;
    return user.trim().toLowerCase();
  }

  private proxied(req: IncomingMessage): ConsoleRole | undefined {
    const user = this.proxyUser(req);
    if (user === undefined) return undefined;
    return this.supervisorUsers.has(user) ? 'supervisor' : 'agent';
  }

  /** The role a token gives, if any. */
  roleOf(token: string | undefined): ConsoleRole | undefined {
    return this.tokens.match(token);
  }

  /** The caller's role, or undefined when they may not use the console at all. */
  role(req: IncomingMessage): ConsoleRole | undefined {
    return this.roleOf(presentedToken(req)) ?? this.proxied(req) ?? (isLocal(req) ? 'supervisor' : undefined);
  }

  get exposed(): boolean {
    return this.tokens.size > 0 || this.authHeader !== undefined;
  }
}
