/**
 * Builds the offline engine from prompts/: used by the CLI, the evaluation and main.ts.
 */
import { randomUUID } from 'node:crypto';
import { compileLexicons, type Lexicons } from './core/analysis/lexicon.ts';
import { Coach } from './core/coach.ts';
import type { Content } from './core/content/schema.ts';
import { OfflineAnalyser } from './core/offline-analyser.ts';
import type { Analyser } from './core/ports/analyser.ts';
import type { CaseStore } from './core/ports/case-store.ts';
import { loadContent } from './content/load-content.ts';
import { MemoryCaseStore } from './storage/memory-case-store.ts';

export interface Engine {
  content: Content;
  lexicons: Lexicons;
  offline: OfflineAnalyser;
  coach: Coach;
}

export function createEngine(options: { promptsDir?: string; store?: CaseStore; analyser?: Analyser; now?: () => Date } = {}): Engine {
  const content = loadContent(options.promptsDir);
  const lexicons = compileLexicons(content);
  const offline = new OfflineAnalyser(content);
  const coach = new Coach({
    content,
    lexicons,
    analyser: options.analyser ?? offline,
    store: options.store ?? new MemoryCaseStore(),
    now: options.now ?? (() => new Date()),
    newId: () => randomUUID(),
  });
  return { content, lexicons, offline, coach };
}
