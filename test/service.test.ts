/** The service as `npm start` runs it: health, routing, configuration errors. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { startService } from '../src/main.ts';

const root = new URL('../', import.meta.url).pathname;

describe('the service', () => {
  it('answers /healthz once the store and content are loaded, and 404 elsewhere', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'defuse-svc-'));
    const s = await startService(readConfig({ PORT: '0', DATA_DIR: dir }), createLogger('error', () => undefined));
    try {
      const health = await fetch(`http://127.0.0.1:${s.port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', store: 'sqlite', slack: false, teams: 'unauthenticated', llm: 'off' });
      expect((await fetch(`http://127.0.0.1:${s.port}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${s.port}/nope`)).status).toBe(404);
    } finally {
      await s.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start on bad configuration, naming every variable, with exit code 78', () => {
    const env = { ...process.env, PORT: 'eighty', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'short', DATABASE_URL: '' };
    const r = spawnSync(process.execPath, ['src/main.ts'], { cwd: root, env, encoding: 'utf8', timeout: 15_000 });
    expect(r.status).toBe(78);
    expect(r.stderr).toMatch(/PORT must be/);
    expect(r.stderr).toMatch(/SLACK_SIGNING_SECRET must be/);
    expect(r.stderr).not.toContain('xoxb-1');
  });
});
