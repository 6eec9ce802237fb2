/**
 * Builds the offline engine from prompts/: used by the CLI, the evaluation and main.ts.
 */
import { randomUUID } from 'node:crypto';
import { compileLexicons, type Lexicons } from './core/analysis/lexicon.ts';
import { Coach, type CoachObserver } from './core/coach.ts';
import type { UsageLimits } from './core/limits/rate-limit.ts';
import type { DrillOutcome } from './core/drill/drill-state.ts';
import type { Content } from './core/content/schema.ts';
import { OfflineAnalyser } from './core/offline-analyser.ts';
import type { Analyser } from './core/ports/analyser.ts';
import type { Store } from './core/ports/store.ts';
import { loadContent } from './content/load-content.ts';
import { loadDrills } from './content/load-drills.ts';
import type { DrillCatalog } from './core/drill/catalog.ts';
import { Drills } from './core/drill/drills.ts';
import { memoryStore } from './storage/memory/memory-store.ts';
import type { CustomerVoice } from './core/ports/customer-voice.ts';
import type { VoiceProblem } from './core/drill/voice.ts';

export interface Engine {
  content: Content;
  lexicons: Lexicons;
  offline: OfflineAnalyser;
  coach: Coach;
  readonly drills: Drills;
  readonly drillCatalog: DrillCatalog;
  store: Store;
}

/**
 * `tailor` builds the LLM analyser from the loaded content and the offline analyser (main.ts
 * passes it when the LLM mode is on); the coach asks it after the offline answer is out.
 */
export function createEngine(
  options: {
    promptsDir?: string;
    store?: Store;
    /** Builds the analyser the coach asks (the offline one, on another thread say); the offline analyser by default. */
    analyser?: (offline: OfflineAnalyser) => Analyser;
    tailor?: (content: Content, offline: OfflineAnalyser) => Analyser;
    /** The LLM mode's drill customer voice, and who hears about lines it failed to keep in character. */
    voice?: CustomerVoice;
    onVoiceRejected?: (problem: VoiceProblem) => void;
    /** Usage limits shared by coaching and drills (the service sets them; the CLI has none). */
    limits?: UsageLimits;
    observer?: CoachObserver;
    onDrill?: (event: 'started' | DrillOutcome) => void;
    now?: () => Date;
  } = {},
): Engine {
  const content = loadContent(options.promptsDir);
  const now = options.now ?? (() => new Date());
  const store = options.store ?? memoryStore();
  const lexicons = compileLexicons(content);
  const offline = new OfflineAnalyser(content);
  const coach = new Coach({
    content,
    lexicons,
    analyser: options.analyser ? options.analyser(offline) : offline,
    ...(options.tailor ? { tailor: options.tailor(content, offline) } : {}),
    store: store.cases,
    escalations: store.escalations,
    now,
    newId: () => randomUUID(),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.observer ? { observer: options.observer } : {}),
  });
  // Loaded on first use: a one-shot CLI reading never pays for the drill scenarios; the
  // service touches them at start so a bad scenario file fails there, not mid-drill.
  let drills: { catalog: DrillCatalog; service: Drills } | undefined;
  const loadedDrills = () => {
    if (drills) return drills;
    const catalog = loadDrills(options.promptsDir);
    const service = new Drills({
      catalog,
      content,
      lexicons,
      drills: store.drills,
      preferences: store.preferences,
      now,
      newId: () => randomUUID(),
      ...(options.voice ? { voice: options.voice } : {}),
      ...(options.onVoiceRejected ? { onVoiceRejected: options.onVoiceRejected } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.onDrill ? { observe: options.onDrill } : {}),
    });
    drills = { catalog, service };
    return drills;
  };
  return {
    content,
    lexicons,
    offline,
    coach,
    store,
    get drills() {
      return loadedDrills().service;
    },
    get drillCatalog() {
      return loadedDrills().catalog;
    },
  };
}
