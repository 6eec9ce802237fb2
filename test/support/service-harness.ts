/**
 * The real service (src/main.ts startService) for end-to-end tests: a fresh data directory,
 * logs captured, and a clock the test can move forward (quiet periods, expiries).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { startService, type Service } from '../../src/main.ts';

export interface TestService {
  service: Service;
  logs: string[];
  base: string;
  advance(ms: number): void;
  stop(): Promise<void>;
}

export async function startTestService(env: Record<string, string>): Promise<TestService> {
  const dir = mkdtempSync(join(tmpdir(), 'defuse-e2e-'));
  const config = readConfig({ PORT: '0', DATA_DIR: dir, ...env });
  const logs: string[] = [];
  let offsetMs = 0;
  const service = await startService(config, createLogger('info', (l) => logs.push(l)), () => new Date(Date.now() + offsetMs));
  return {
    service,
    logs,
    base: `http://127.0.0.1:${service.port}`,
    advance(ms) {
      offsetMs += ms;
    },
    async stop() {
      await service.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Listens on an ephemeral loopback port and returns the origin (http://127.0.0.1:PORT). */
export async function listenLoopback(server: import('node:http').Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const a = server.address();
  return `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
}

/** A port free on 127.0.0.1 right now, for a process the test starts itself. */
export async function freePort(): Promise<number> {
  const server = (await import('node:http')).createServer();
  const origin = await listenLoopback(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return Number(new URL(origin).port);
}
