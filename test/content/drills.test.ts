import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PROMPTS_DIR } from '../../src/content/load-content.ts';
import { loadDrills } from '../../src/content/load-drills.ts';
import { remediesIn } from '../../src/core/drill/catalog.ts';
import { MOODS } from '../../src/core/drill/scenario.ts';
import { ContentError } from '../../src/core/errors.ts';
import { STAGES } from '../../src/core/taxonomy.ts';

let dir: string | undefined;
function copyDrills(): string {
  dir = mkdtempSync(join(tmpdir(), 'defuse-drills-'));
  cpSync(join(DEFAULT_PROMPTS_DIR, 'drills'), join(dir, 'drills'), { recursive: true });
  return dir;
}
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function problems(d: string): string {
  try {
    loadDrills(d);
  } catch (err) {
    if (err instanceof ContentError) return err.message;
    throw err;
  }
  throw new Error('expected loadDrills to fail');
}

describe('the drill scenarios (prompts/drills)', () => {
  const catalog = loadDrills();

  it('has at least ten scenarios, each with every part the drill needs', () => {
    expect(catalog.scenarios.size).toBeGreaterThanOrEqual(10);
    for (const s of catalog.scenarios.values()) {
      for (const stage of STAGES) for (const mood of MOODS) expect(s.lines[stage][mood].length, `${s.id} ${stage} ${mood}`).toBeGreaterThanOrEqual(2);
      expect(s.resolutions.some((r) => r.quality === 'ideal'), s.id).toBe(true);
      expect(s.reveal.length).toBeGreaterThanOrEqual(2);
    }
    // The personas: someone who swears at the agent, and someone who wants a manager.
    expect([...catalog.scenarios.values()].some((s) => s.persona.abusive)).toBe(true);
    expect([...catalog.scenarios.values()].some((s) => s.persona.wants_manager)).toBe(true);
  });

  it('recognises each remedy in its own examples, and not in a refusal', () => {
    const s = catalog.scenarios.get('late-delivery')!;
    expect(remediesIn(catalog, s, 'I can waive the delivery fee on this order.').map((r) => r.id)).toEqual(['refund-shipping']);
    expect(remediesIn(catalog, s, "I'm afraid we can't refund the shipping charge.")).toEqual([]);
    expect(remediesIn(catalog, s, 'Let me ship another one overnight, and I will also refund the shipping charge.').map((r) => r.id)).toEqual(['express-replacement', 'refund-shipping']);
  });

  it('reports every broken scenario with its file and field, all at once', () => {
    const d = copyDrills();
    const path = join(d, 'drills', 'late-delivery.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('    furious:\n      - Do you understand', '    fury:\n      - Do you understand').replace('quality: ideal', 'quality: perfect'));
    writeFileSync(join(d, 'drills', 'double-charge.yaml'), 'id: double-charge\ntitle: [unclosed\n');
    const msg = problems(d);
    expect(msg).toMatch(/drills\/late-delivery\.yaml: lines\.venting/);
    expect(msg).toMatch(/drills\/late-delivery\.yaml: resolutions\.0\.quality/);
    expect(msg).toMatch(/drills\/double-charge\.yaml: /);
  });

  it('refuses a remedy whose examples its cues do not match, a repeated line and a bad pattern', () => {
    const d = copyDrills();
    const path = join(d, 'drills', 'late-delivery.yaml');
    let y = readFileSync(path, 'utf8');
    y = y.replace('      - I can waive the delivery fee on this order.', '      - I will give you a discount voucher.');
    y = y.replace("      - Okay. I've said my piece. I just want this sorted.", '      - Sorry, I know it isn\'t your fault personally. I\'m just fed up.');
    writeFileSync(path, y);
    const msg = problems(d);
    expect(msg).toMatch(/resolutions\.1\.examples\.1: does not match the cues of "refund-shipping"/);
    expect(msg).toMatch(/lines\.venting\.calm\.1: the same line as lines\.venting\.calm\.0/);
    const moves = join(d, 'drills', 'moves.yaml');
    writeFileSync(moves, readFileSync(moves, 'utf8').replace('what would help [you] [the] most', 'what would (help (you|me))'));
    expect(problems(d)).toMatch(/drills\/moves\.yaml: /);
  });
});
