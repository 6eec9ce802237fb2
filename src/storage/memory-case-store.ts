/**
 * Cases in memory: for the CLI, tests and a single process. Not shared between replicas
 * and lost on restart; use the database store for anything that must survive.
 */
import type { CaseRecord, CaseStore } from '../core/ports/case-store.ts';

export class MemoryCaseStore implements CaseStore {
  private readonly cases = new Map<string, CaseRecord>();

  async get(id: string): Promise<CaseRecord | undefined> {
    const c = this.cases.get(id);
    return c ? structuredClone(c) : undefined;
  }

  async update(id: string, change: (current: CaseRecord | undefined) => CaseRecord): Promise<CaseRecord> {
    // Read, change and write happen in one synchronous run: no other update can interleave.
    const current = this.cases.get(id);
    const next = change(current ? structuredClone(current) : undefined);
    const stored = { ...structuredClone(next), version: (current?.version ?? 0) + 1 };
    this.cases.set(id, stored);
    return structuredClone(stored);
  }
}
