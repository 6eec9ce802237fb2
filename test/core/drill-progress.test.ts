import { describe, expect, it } from 'vitest';
import { drillStats, leaderboard, type ScoreEntry } from '../../src/core/drill/progress.ts';
import { testEngine } from '../helpers/engine.ts';

const catalog = testEngine().drillCatalog;
const entry = (user: string, score: number, at: string, extra: Partial<ScoreEntry> = {}): ScoreEntry => ({
  user,
  scenario: 'late-delivery',
  difficulty: 'normal',
  score,
  skills: { empathy: score, diagnosis: score - 30, listening: 90 },
  at,
  ...extra,
});

describe('drill progress', () => {
  it('shows an agent their trend, weakest skill and a scenario that practises it', () => {
    // Newest first, as the store returns them.
    const entries = [entry('a', 85, '2026-11-05'), entry('a', 80, '2026-11-04'), entry('a', 50, '2026-11-02'), entry('a', 45, '2026-11-01')];
    const s = drillStats(entries, catalog);
    expect(s.count).toBe(4);
    expect(s.recent.map((e) => e.score)).toEqual([45, 50, 80, 85]);
    expect(s.trend).toBe('improving');
    expect(s.weakest!.skill).toBe('diagnosis');
    expect(s.strongest!.skill).toBe('listening');
    const suggested = catalog.scenarios.get(s.suggestion!.scenario)!;
    expect(suggested.practises).toContain('diagnosis');
    expect(s.suggestion!.why).toMatch(/diagnosis/);
    expect(drillStats([entry('a', 40, '2026-11-02'), entry('a', 80, '2026-11-01')], catalog).trend).toBe('slipping');
  });

  it('suggests a first drill with no history, and a harder one after mastering a scenario', () => {
    expect(drillStats([], catalog).suggestion?.why).toBe('a good first drill');
    // Every scenario played well; the one played longest ago comes back, one step harder.
    const ids = [...catalog.scenarios.keys()];
    const played = ids.map((id, i) => entry('a', 95, `2026-11-${String(10 + i).padStart(2, '0')}`, { scenario: id, skills: {} })).reverse();
    const s = drillStats(played, catalog);
    expect(s.suggestion).toMatchObject({ scenario: ids[0], difficulty: 'hard' });
  });

  it('lists only people who joined the leaderboard', () => {
    const entries = [entry('slack:U1', 90, '2026-11-03', { name: 'Ana' }), entry('slack:U1', 70, '2026-11-02'), entry('slack:U2', 99, '2026-11-03'), entry('slack:U3', 60, '2026-11-01')];
    const rows = leaderboard(entries, new Set(['slack:U1', 'slack:U3']));
    expect(rows).toEqual([
      { user: 'slack:U1', name: 'Ana', drills: 2, best: 90, average: 80 },
      { user: 'slack:U3', drills: 1, best: 60, average: 60 },
    ]);
    expect(leaderboard(entries, new Set())).toEqual([]);
  });
});
