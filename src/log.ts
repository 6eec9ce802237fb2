/**
 * Structured JSON logs through pino: one object per line on stderr, with the request id of
 * the HTTP request (or Slack event, Teams activity) being handled, so every line of one turn
 * can be found together across replicas. Customer text may only be logged at debug level,
 * through `debugText`, and is redacted even there; secrets are never passed to a logger.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { hostname } from 'node:os';
import { pino } from 'pino';
import type { LogLevel } from './config.ts';
import { redact } from './core/privacy/redact.ts';

export type Fields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  /** Customer or agent text: written only when the level is debug, and redacted. */
  debugText(msg: string, text: string, fields?: Fields): void;
}

/** The request being handled, carried through every await of its turn. */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const p = pino(
    {
      level,
      // The host tells replicas apart; pino's default base is replaced, so both are named here.
      base: { service: 'defuse', hostname: hostname(), pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // "level":"info" rather than pino's numbers: readable without pino-pretty.
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const id = requestContext.getStore()?.requestId;
        return id ? { requestId: id } : {};
      },
    },
    // A plain write per line (synchronous), so a crash never loses the line that explains it.
    { write },
  );
  return {
    debug: (m, f) => p.debug(f ?? {}, m),
    info: (m, f) => p.info(f ?? {}, m),
    warn: (m, f) => p.warn(f ?? {}, m),
    error: (m, f) => p.error(f ?? {}, m),
    debugText: (m, text, f) => {
      if (p.isLevelEnabled('debug')) p.debug({ ...f, text: redact(text).text }, m);
    },
  };
}
