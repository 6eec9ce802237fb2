/**
 * Tells open supervisor pages that something changed (advice given, an escalation opened or
 * taken, a drill finished), so they refresh at once instead of polling. Per process: with
 * several replicas each page also refreshes on a slow tick (see console-route.ts).
 */
export type ConsoleChange = 'advice' | 'escalation' | 'acknowledged' | 'drill';

export class ConsoleBus {
  private readonly listeners = new Set<(c: ConsoleChange) => void>();

  subscribe(fn: (c: ConsoleChange) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  notify(change: ConsoleChange): void {
    for (const fn of this.listeners) fn(change);
  }
}
