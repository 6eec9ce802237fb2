/**
 * The real service (`node src/main.ts`, as `npm start` runs it) in a child process for the
 * fault tests, with Slack pointed at the local double; signed Slack requests to it; and a wait
 * until every turn it accepted has finished (from its own /metrics), so a SIGKILL lands on a
 * quiet process and the test knows exactly what had been committed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { eventEnvelope, sign, slashBody } from '../slack/slack-harness.ts';

const root = new URL('../../', import.meta.url).pathname;

export interface ServiceProcess {
  base: string;
  child: ChildProcess;
  logs(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the service on a free port; resolves once it logs "defuse started". */
export async function spawnService(env: Record<string, string>): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: root,
    // A clean environment: nothing from the test runner's (DATABASE_URL, say) leaks in.
    env: { PATH: process.env.PATH ?? '', PORT: '0', TEAMS_ENABLED: 'false', LOG_LEVEL: 'info', RATE_LIMIT_USER_PER_MINUTE: '0', RATE_LIMIT_WORKSPACE_PER_MINUTE: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  child.stderr!.on('data', (d: Buffer) => (logs += d.toString()));
  child.stdout!.on('data', (d: Buffer) => (logs += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the service did not start: ${logs}`)), 20_000);
    const look = () => {
      const m = /"msg":"defuse started"[^\n]*"port":(\d+)|"port":(\d+)[^\n]*"msg":"defuse started"/.exec(logs);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1] ?? m[2]));
      }
    };
    child.stderr!.on('data', look);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the service exited (${code ?? signal}) before it started: ${logs}`));
    });
  });
  return { base: `http://127.0.0.1:${port}`, child, logs: () => logs, exited };
}

export function postSigned(base: string, body: string, contentType: string): Promise<Response> {
  return fetch(`${base}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...sign(body) }, body });
}

export function sendEventTo(base: string, event: Record<string, unknown>): Promise<Response> {
  return postSigned(base, eventEnvelope(event), 'application/json');
}

let seq = 0;
/** `/defuse <text>` as Slack posts it, with a response_url on the double. */
export function slashTo(base: string, slackOrigin: string, text: string, user: string, channel: string): Promise<Response> {
  seq++;
  const body = slashBody(text, user, channel, `${slackOrigin}/respond/faults-${seq}`, `trig.faults.${seq}.${Date.now()}`);
  return postSigned(base, body, 'application/x-www-form-urlencoded');
}

/** A metric's value from the Prometheus text, or 0 when it has no sample yet. */
function metric(text: string, line: RegExp): number {
  const m = line.exec(text);
  return m ? Number(m[1]) : 0;
}

/**
 * Resolves when the service has finished `turns` Slack turns in all and none is in flight:
 * each turn's writes (case, escalation, ping reference, drill) are then committed.
 */
export async function settled(base: string, turns: number, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  let last = '';
  for (;;) {
    last = await (await fetch(`${base}/metrics`)).text();
    const done = metric(last, /^defuse_turn_seconds_count\{channel="slack"\} (\d+)/m);
    const inFlight = metric(last, /^defuse_turns_in_flight(?:\{\})? (\d+)/m);
    if (done >= turns && inFlight === 0) return;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${turns} finished Slack turns (done ${done}, in flight ${inFlight})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
