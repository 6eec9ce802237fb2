/**
 * The offline analyser on a thread of its own. Reading a case is the one CPU-heavy part of a
 * turn; on its own thread it runs beside the event loop, which meanwhile verifies, parses and
 * answers other requests. The answer is the same: the thread runs the same analyser on the same
 * content. Until the thread is ready, after it fails, and for any request it cannot answer
 * in time, the case is read on the event loop instead: a turn never waits on the thread's health.
 */
import { Worker } from 'node:worker_threads';
import type { Advice } from '../core/advice.ts';
import type { Turn } from '../core/case.ts';
import type { OfflineAnalyser } from '../core/offline-analyser.ts';
import type { AnalyseContext, Analyser } from '../core/ports/analyser.ts';
import type { Logger } from '../log.ts';
import { READY, type AnalysisReply, type AnalysisRequest } from './protocol.ts';

/**
 * A reading takes well under a millisecond; one not back in this long means the thread is
 * stuck or starved, and the event loop answers instead.
 */
const REPLY_TIMEOUT_MS = 1000;
/** After a thread dies, wait this long before starting another, so a crash loop cannot spin. */
const RESTART_DELAY_MS = 1000;
/** Threads that die before they ever answer, in a row, before the event loop keeps the work for good. */
const MAX_FAILED_STARTS = 5;

interface Pending {
  resolve: (a: Advice) => void;
  reject: (err: unknown) => void;
  turns: readonly Turn[];
  context: AnalyseContext;
}

export class ThreadedAnalyser implements Analyser {
  readonly name = 'offline';
  private readonly inline: OfflineAnalyser;
  private readonly promptsDir: string | undefined;
  private readonly log: Logger;
  private worker: Worker | undefined;
  private ready = false;
  private closed = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Requests of this event-loop turn, sent together when it ends. */
  private queue: AnalysisRequest[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private failedStarts = 0;
  private readonly onReading: (on: 'thread' | 'event_loop') => void;
  /** Resolves once the first thread is ready, or false when it failed to start. */
  readonly started: Promise<boolean>;
  private onStarted: (ok: boolean) => void = () => undefined;

  constructor(inline: OfflineAnalyser, options: { promptsDir?: string; log: Logger; onReading?: (on: 'thread' | 'event_loop') => void }) {
    this.inline = inline;
    this.onReading = options.onReading ?? (() => undefined);
    this.promptsDir = options.promptsDir;
    this.log = options.log;
    this.started = new Promise((resolve) => (this.onStarted = resolve));
    this.start();
  }

  private start(): void {
    const worker = new Worker(new URL('./analysis-worker.ts', import.meta.url), { workerData: { promptsDir: this.promptsDir } });
    this.worker = worker;
    // The thread never keeps a stopping process alive.
    worker.unref();
    worker.on('message', (m: string) => {
      if (m === READY) {
        this.ready = true;
        this.failedStarts = 0;
        this.onStarted(true);
        return;
      }
      for (const reply of JSON.parse(m) as AnalysisReply[]) {
        const p = this.pending.get(reply.id);
        // Already answered on the event loop (late, or the thread was replaced).
        if (!p) continue;
        this.pending.delete(reply.id);
        // A case the thread could not read is read again here, so the caller gets the same
        // typed error (an InputError with its message for the agent) as without the thread.
        if ('advice' in reply) {
          this.onReading('thread');
          p.resolve(reply.advice);
        } else this.settleInline(p);
      }
    });
    worker.on('error', (err) => this.log.error('analysis thread failed', { code: (err as { code?: string }).code ?? 'internal' }));
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      if (!this.ready) this.failedStarts++;
      this.worker = undefined;
      this.ready = false;
      this.onStarted(false);
      this.answerPendingInline();
      if (this.closed) return;
      if (this.failedStarts >= MAX_FAILED_STARTS) {
        this.log.error('analysis thread does not start; cases are read on the event loop from now on', { code: 'analysis_thread_failed' });
        return;
      }
      this.log.warn('analysis thread stopped; reading on the event loop until it is back', { code: 'analysis_thread_exit' });
      this.restartTimer = setTimeout(() => this.start(), RESTART_DELAY_MS);
      this.restartTimer.unref();
    });
  }

  /** The running thread, if any (the health of the thread, for tests). */
  get thread(): Worker | undefined {
    return this.worker;
  }

  async analyse(turns: readonly Turn[], context: AnalyseContext): Promise<Advice> {
    if (!this.ready || !this.worker) return this.readHere(turns, context);
    const id = this.nextId++;
    this.queue.push({ id, turns, ...(context.caseId !== undefined ? { caseId: context.caseId } : {}), shown: [...context.shownWordings], notices: [...(context.notices ?? [])] });
    if (this.queue.length === 1) setImmediate(() => this.send());
    return new Promise<Advice>((resolve, reject) => this.pending.set(id, { resolve, reject, turns, context }));
  }

  /** Sends this turn's requests as one message, with one deadline for them all. */
  private send(): void {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const worker = this.worker;
    if (!worker) {
      this.answerInline(batch.map((r) => r.id));
      return;
    }
    worker.postMessage(JSON.stringify(batch));
    const ids = batch.map((r) => r.id);
    setTimeout(() => {
      if (!ids.some((id) => this.pending.has(id))) return;
      this.log.warn('analysis thread slow; read on the event loop', { code: 'analysis_thread_timeout' });
      this.answerInline(ids);
    }, REPLY_TIMEOUT_MS).unref();
  }

  private answerInline(ids: Iterable<number>): void {
    for (const id of ids) {
      const p = this.pending.get(id);
      if (!p) continue;
      this.pending.delete(id);
      this.settleInline(p);
    }
  }

  private readHere(turns: readonly Turn[], context: AnalyseContext): Advice {
    this.onReading('event_loop');
    return this.inline.analyseSync(turns, context);
  }

  /** Reads on the event loop; a failure rejects that one reading, never escapes into a callback. */
  private settleInline(p: Pending): void {
    try {
      p.resolve(this.readHere(p.turns, p.context));
    } catch (err) {
      p.reject(err);
    }
  }

  private answerPendingInline(): void {
    this.queue = [];
    this.answerInline([...this.pending.keys()]);
  }

  /** Stops the thread; readings still waiting are answered on the event loop. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    this.worker = undefined;
    this.ready = false;
    this.answerPendingInline();
    if (worker) await worker.terminate();
  }
}
