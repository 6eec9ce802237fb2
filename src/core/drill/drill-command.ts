/**
 * What follows `drill` on Slack (`/defuse drill …`), in Teams (`drill …`) and in the
 * terminal (`defuse drill …`): the same words everywhere.
 */
import { DIFFICULTIES, type Difficulty } from './scenario.ts';

export type DrillCommand =
  | { kind: 'start'; scenario?: string; difficulty?: Difficulty }
  | { kind: 'list' }
  | { kind: 'stop' }
  | { kind: 'stats' }
  | { kind: 'leaderboard'; join?: boolean }
  | { kind: 'help' }
  | { kind: 'invalid'; message: string };

export function parseDrillCommand(args: string): DrillCommand {
  const words = args.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const [first, second, ...rest] = words;
  if (first === undefined) return { kind: 'start' };
  if (words.length === 1 && (first === 'list' || first === 'stop' || first === 'stats' || first === 'help')) return { kind: first };
  if (first === 'leaderboard' || first === 'board') {
    if (second === undefined) return { kind: 'leaderboard' };
    if (rest.length === 0 && (second === 'join' || second === 'leave')) return { kind: 'leaderboard', join: second === 'join' };
    return { kind: 'invalid', message: 'Use `drill leaderboard`, `drill leaderboard join` or `drill leaderboard leave`.' };
  }
  const isDifficulty = (w: string | undefined): w is Difficulty => (DIFFICULTIES as readonly string[]).includes(w ?? '');
  if (words.length === 1 && isDifficulty(first)) return { kind: 'start', difficulty: first };
  if (words.length <= 2 && (second === undefined || isDifficulty(second))) return { kind: 'start', scenario: first, ...(second ? { difficulty: second } : {}) };
  return { kind: 'invalid', message: 'Use `drill [scenario] [easy|normal|hard]`, for example `drill late-delivery hard`; `drill list` shows the scenarios.' };
}

/** A stop said inside the drill's own thread or chat, instead of a customer reply. */
export function isStopInDrill(text: string): boolean {
  return /^\s*(stop|end|quit)( (the )?drill)?[.!]?\s*$|^\s*drill stop\s*$/i.test(text);
}
