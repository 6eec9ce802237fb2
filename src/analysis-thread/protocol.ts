/**
 * What the event loop and the analysis thread send each other: batches, as JSON text. Each
 * message wakes the other thread, which costs more than the copy, so the requests of one
 * event-loop turn travel together; and a string crosses threads as one copy, where an object
 * is walked field by field on both sides.
 */
import type { Advice } from '../core/advice.ts';
import type { Turn } from '../core/case.ts';

export interface AnalysisRequest {
  id: number;
  turns: readonly Turn[];
  caseId?: string;
  shown: string[];
  notices: string[];
}

/** The Advice, or why the thread could not read the case. */
export type AnalysisReply = { id: number; advice: Advice } | { id: number; error: string };

/** The thread's first message: the content is loaded and it takes requests. */
export const READY = 'ready';
