/**
 * Turns in flight: every coaching turn or drill reply runs through here, so the service knows
 * how many are being handled (a graceful shutdown waits for them, bounded) and how long each
 * took. Slack acknowledges an event before the work, so the HTTP request alone would not say
 * when a turn is done.
 */
import type { Metrics } from '../metrics/defuse-metrics.ts';

export class Turns {
  private readonly metrics: Metrics;
  private active = 0;
  private idle: (() => void)[] = [];

  constructor(metrics: Metrics) {
    this.metrics = metrics;
  }

  get inFlight(): number {
    return this.active;
  }

  async run<T>(channel: string, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    this.active++;
    this.metrics.inFlight.set({}, this.active);
    try {
      return await fn();
    } finally {
      this.active--;
      this.metrics.inFlight.set({}, this.active);
      this.metrics.turnSeconds.observe({ channel }, (performance.now() - started) / 1000);
      if (this.active === 0) for (const wake of this.idle.splice(0)) wake();
    }
  }

  /** Resolves true when no turn is in flight, or false when `timeoutMs` passed first. */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.active === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
