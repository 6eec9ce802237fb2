/**
 * `npm start`: the Defuse service. Reads and validates the configuration once, opens the
 * store (SQLite in DATA_DIR, or PostgreSQL), loads prompts/, mounts Slack when configured and
 * Teams (POST /api/messages) unless TEAMS_ENABLED=false,
 * serves GET /healthz, runs the retention job, and shuts down cleanly on SIGTERM/SIGINT.
 */
import { config as loadDotenv } from 'dotenv';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { ConfigError, readConfig, type Config, type LlmConfig } from './config.ts';
import { loadLlmPrompts } from './content/load-llm-prompts.ts';
import type { Content } from './core/content/schema.ts';
import type { OfflineAnalyser } from './core/offline-analyser.ts';
import type { Analyser } from './core/ports/analyser.ts';
import { DefuseError } from './core/errors.ts';
import type { Store } from './core/ports/store.ts';
import { createEngine } from './engine.ts';
import { ThreadedAnalyser } from './analysis-thread/threaded-analyser.ts';
import { createHttpServer, type Route } from './http/server.ts';
import { startRetention } from './jobs/retention.ts';
import { createLogger, type Logger } from './log.ts';
import { createSlackApp, initSlackApp, slackRoute } from './slack/slack-app.ts';
import { openStore } from './storage/open-store.ts';
import type { CustomerVoice } from './core/ports/customer-voice.ts';
import { createMetrics, type LlmKind, type Metrics } from './metrics/defuse-metrics.ts';
import { timedStore } from './metrics/timed-store.ts';
import { Turns } from './http/turns.ts';
import { createRestApi } from './api/rest-api.ts';
import { UsageLimits } from './core/limits/rate-limit.ts';
import { ConsoleAccess } from './console/console-auth.ts';
import { ConsoleBus } from './console/console-bus.ts';
import { createConsole } from './console/console-route.ts';

/** The service's version, as package.json says (the OpenAPI document carries it). */
const SERVICE_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Retention runs at start and then every six hours: deletion a few hours late is fine. */
const RETENTION_EVERY_MS = 6 * 60 * 60 * 1000;

export interface Service {
  server: Server;
  store: Store;
  metrics: Metrics;
  port: number;
  /** Turns being handled (a graceful stop waits for them). */
  turns: Turns;
  /**
   * Graceful stop: new requests get 503 and idle connections close, turns in flight finish
   * (up to SHUTDOWN_GRACE_MS), then the store closes. Resolves with how many turns were still
   * running when the grace ran out (0 on a clean stop).
   */
  stop(): Promise<number>;
}

export async function startService(config: Config, log: Logger, now: () => Date = () => new Date()): Promise<Service> {
  const metrics = createMetrics();
  const bus = new ConsoleBus();
  const rawStore = await openStore(config);
  const store = timedStore(rawStore, metrics);
  let ready = false;
  let threaded: ThreadedAnalyser | undefined;
  try {
    const llm = config.llm ? await llmParts(config.llm, log, metrics) : undefined;
    const limits = new UsageLimits(config.rateLimits, now, (scope) => metrics.rateLimited.inc({ scope }));
    const engine = createEngine({
      store,
      ...(config.analysisThread ? { analyser: (offline: OfflineAnalyser) => (threaded = new ThreadedAnalyser(offline, { log, onReading: (on) => metrics.readings.inc({ on }) })) } : {}),
      now,
      limits,
      observer: {
        advised(advice, channel, escalations) {
          metrics.advice.inc({ channel: channel ?? 'none', emotion: advice.emotion, stage: advice.stage, step: advice.step });
          for (const e of escalations) metrics.escalations.inc({ reason: e.reason });
          bus.notify(escalations.length > 0 ? 'escalation' : 'advice');
        },
        acknowledged: (outcome) => {
          metrics.acknowledgements.inc({ outcome });
          bus.notify('acknowledged');
        },
      },
      onDrill: (event) => metrics.drills.inc({ event }),
      ...(llm ? { tailor: llm.tailor, voice: llm.voice, onVoiceRejected: (why: string) => metrics.llmFallbacks.inc({ kind: 'drill_voice', reason: `check_${why}` }) } : {}),
    });
    // The drill scenarios are validated now, with the rest of prompts/, not at the first drill.
    void engine.drillCatalog;
    const turns = new Turns(metrics);
    const routes: Route[] = [
      createRestApi({ engine, keys: config.apiKeys, log, turns, version: SERVICE_VERSION }),
      createConsole({ engine, access: new ConsoleAccess(config.console), bus, log, now, turns }),
    ];
    let stopSocket: (() => Promise<unknown>) | undefined;
    if (config.slack) {
      const { app, mode } = createSlackApp({ config: config.slack, engine, store, log, now, turns });
      await initSlackApp(app);
      if (mode.kind === 'http') {
        routes.push(slackRoute(mode.receiver, config.slack.signingSecret!, log));
      } else {
        await app.start();
        stopSocket = () => app.stop();
      }
    }
    if (config.teams) {
      // botbuilder is a large module tree: loaded only when Teams is on.
      const { createTeams } = await import('./teams/teams-app.ts');
      const { route } = createTeams({ config: config.teams, engine, store, log, now, turns });
      routes.push(route);
      if (!config.teams.appId) {
        log.warn('TEAMS ENDPOINT IS UNAUTHENTICATED: MicrosoftAppId is not set, so /api/messages accepts any caller. Use this only with the Bot Framework Emulator on your own machine; set MicrosoftAppId, MicrosoftAppPassword and MicrosoftAppTenantId (or TEAMS_ENABLED=false) anywhere else');
      }
    }
    if (config.apiKeys.length === 0) log.info('REST API on loopback only: set DEFUSE_API_KEYS to call /api/v1 from elsewhere');
    const teamsMode = config.teams ? (config.teams.appId ? 'authenticated' : 'unauthenticated') : 'off';
    const http = createHttpServer(
      routes,
      {
        ready: () => ready,
        storeReachable: () => store.ping(),
        details: () => ({ store: store.kind, slack: config.slack !== undefined, teams: teamsMode, llm: config.llm ? config.llm.model : 'off' }),
      },
      log,
      metrics,
    );
    const server = http.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const stopRetention = startRetention(store, {
      days: config.retentionDays,
      everyMs: RETENTION_EVERY_MS,
      now,
      onResult: (r) => (r.cases > 0 || r.events > 0 ? log.info('retention', { cases: r.cases, events: r.events }) : undefined),
      onError: (err) => log.error('retention failed', { code: (err as { code?: string }).code ?? 'internal' }),
    });
    ready = true;
    log.info('defuse started', { port, store: store.kind, slack: config.slack ? (config.slack.appToken ? 'socket mode' : 'http') : 'off', teams: teamsMode, llm: config.llm ? config.llm.model : 'off' });
    let stopped: Promise<number> | undefined;
    return {
      server,
      store,
      metrics,
      port,
      turns,
      stop() {
        stopped ??= (async () => {
          ready = false;
          stopRetention();
          http.stopAccepting();
          await stopSocket?.().catch(() => undefined);
          const drained = await turns.drain(config.shutdownGraceMs);
          const left = drained ? 0 : turns.inFlight;
          if (left > 0) log.warn('stopping with turns still running', { turns: left, graceMs: config.shutdownGraceMs });
          // Connections still open (a slow client) must not keep the process alive.
          server.closeAllConnections();
          await threaded?.close();
          await store.close();
          return left;
        })();
        return stopped;
      },
    };
  } catch (err) {
    await threaded?.close();
    await store.close();
    throw err;
  }
}

/**
 * The LLM mode: prompts/llm validated now (a bad prompt file stops the start, like any other
 * content), the openai SDK loaded only when the mode is on. One client serves the coaching
 * analyser and the drill customer's voice. Each call is logged and counted with its outcome,
 * latency and token counts, never with text.
 */
async function llmParts(config: LlmConfig, log: Logger, metrics: Metrics): Promise<{ tailor: (content: Content, offline: OfflineAnalyser) => Analyser; voice: CustomerVoice }> {
  const prompts = loadLlmPrompts();
  const { OpenAiAnalyser, OpenAiChat } = await import('./llm/openai-analyser.ts');
  const { OpenAiDrillVoice } = await import('./llm/openai-drill-voice.ts');
  log.info('llm mode on', { provider: config.provider, model: config.model, timeoutMs: config.timeoutMs, prompts: prompts.version, drillPrompt: prompts.drillCustomer.version });
  const chat = new OpenAiChat(config);
  const count = (kind: LlmKind, c: { outcome: string; ms: number; promptTokens: number | undefined; completionTokens: number | undefined }) => {
    metrics.llmCalls.inc({ kind, outcome: c.outcome });
    metrics.llmSeconds.observe({ kind }, c.ms / 1000);
    if (c.promptTokens !== undefined) metrics.llmTokens.inc({ kind, type: 'prompt' }, c.promptTokens);
    if (c.completionTokens !== undefined) metrics.llmTokens.inc({ kind, type: 'completion' }, c.completionTokens);
    if (c.outcome !== 'ok') metrics.llmFallbacks.inc({ kind, reason: c.outcome });
  };
  const voice = new OpenAiDrillVoice({
    chat,
    prompts,
    onCall: (c) => {
      count('drill_voice', c);
      log.info('llm call', { kind: 'drill_voice', outcome: c.outcome, ms: Math.round(c.ms), model: config.model, promptTokens: c.promptTokens, completionTokens: c.completionTokens });
    },
  });
  const tailor = (content: Content, offline: OfflineAnalyser) =>
    new OpenAiAnalyser({
      config,
      offline,
      content,
      prompts,
      chat,
      onCall: (c) => {
        count('advice', c);
        for (const why of c.rejected) metrics.llmRejectedWordings.inc({ why: why.replace(':', '_') });
        if (c.outcome === 'ok') metrics.adviceSource.inc({ source: c.source });
        log.info('llm call', {
          kind: 'advice',
          outcome: c.outcome,
          ms: Math.round(c.ms),
          model: c.model,
          promptTokens: c.promptTokens,
          completionTokens: c.completionTokens,
          rejectedWordings: c.rejected.length,
          source: c.source,
        });
      },
    });
  return { tailor, voice };
}

async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  let config: Config;
  try {
    config = readConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`defuse: ${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  // Log lines wait until the service listens, so the first line `npm start` prints is where
  // to open the console; everything logged while starting follows it.
  let held: string[] | undefined = [];
  const log = createLogger(config.logLevel, (line) => (held ? held.push(line) : process.stderr.write(line)));
  const release = () => {
    for (const line of held ?? []) process.stderr.write(line);
    held = undefined;
  };
  if (!config.slack) log.warn('Slack is off: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to turn it on');
  const service = await startService(config, log).catch((err: unknown) => {
    release();
    process.stderr.write(`defuse: ${err instanceof DefuseError ? err.message : (err as Error).message}\n`);
    process.exit(1);
  });
  const where = config.console.token || config.console.supervisorToken ? 'open it with ?token=<CONSOLE_TOKEN> from elsewhere' : 'on this machine only';
  process.stdout.write(`Defuse is running: try the coach at http://localhost:${service.port}/ (supervisor view at /supervisor; ${where})\n`);
  release();
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal, turnsInFlight: service.turns.inFlight });
    service.stop().then(
      (left) => {
        log.info('stopped', { unfinishedTurns: left });
        process.exit(0);
      },
      (err: unknown) => {
        log.error('stop failed', { code: (err as { code?: string }).code ?? 'internal' });
        process.exit(1);
      },
    );
  };
  // A promise nobody awaited must not take the service down with every turn in flight; it
  // is a bug to fix, so it is logged with its code (never its message: it may quote a case).
  process.on('unhandledRejection', (err) => log.error('unhandled rejection', { code: (err as { code?: string } | undefined)?.code ?? (err as Error | undefined)?.name ?? 'unknown' }));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

if (import.meta.main) await main();
