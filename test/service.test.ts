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

  it('says ready only while the store answers, serves metrics, and carries a request id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'defuse-svc-'));
    const s = await startService(readConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, TEAMS_ENABLED: 'false' }), createLogger('error', () => undefined));
    const base = `http://127.0.0.1:${s.port}`;
    try {
      // HOST binds the listener to that address alone.
      expect((s.server.address() as { address: string }).address).toBe('127.0.0.1');
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', store: 'reachable', content: 'loaded' });
      expect((await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'lb-42.abc' } })).headers.get('x-request-id')).toBe('lb-42.abc');
      // An id that could smuggle text into logs is replaced by a fresh one.
      const odd = (await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'has spaces and "quotes"' } })).headers.get('x-request-id');
      expect(odd).toMatch(/^[0-9a-f-]{36}$/);
      const coached = await fetch(`${base}/api/v1/coach`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'This is the third time I am asking where my refund is.' }) });
      expect(coached.status).toBe(200);
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.headers.get('content-type')).toContain('text/plain; version=0.0.4');
      const text = await metrics.text();
      expect(text).toMatch(/^defuse_uptime_seconds \d/m);
      expect(text).toContain('defuse_http_requests_total{route="ready",status="200"} 1');
      expect(text).toContain('# TYPE defuse_store_call_seconds histogram');
      // Read on the analysis thread, or on the event loop while the thread was still starting.
      expect(text).toMatch(/^defuse_analysis_readings_total\{on="(thread|event_loop)"\} 1$/m);
      // The store goes away under the service: alive, but not ready.
      await s.store.close();
      const gone = await fetch(`${base}/readyz`);
      expect(gone.status).toBe(503);
      expect(await gone.json()).toMatchObject({ status: 'not_ready', store: 'unreachable' });
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
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
