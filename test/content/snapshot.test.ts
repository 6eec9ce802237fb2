import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PROMPTS_DIR, loadContent } from '../../src/content/load-content.ts';
import { ContentError } from '../../src/core/errors.ts';
import { compileLexicons, matchTurn, type Lexicons } from '../../src/core/analysis/lexicon.ts';
import { tokenize } from '../../src/core/text/tokens.ts';
import type { PhraseMatch } from '../../src/core/text/phrase-matcher.ts';

let prompts: string;
let cache: string;
const before = process.env.DEFUSE_CACHE_DIR;
beforeEach(() => {
  prompts = mkdtempSync(join(tmpdir(), 'defuse-prompts-'));
  cache = mkdtempSync(join(tmpdir(), 'defuse-cache-'));
  cpSync(DEFAULT_PROMPTS_DIR, prompts, { recursive: true });
  process.env.DEFUSE_CACHE_DIR = cache;
});
afterEach(() => {
  rmSync(prompts, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
  if (before === undefined) delete process.env.DEFUSE_CACHE_DIR;
  else process.env.DEFUSE_CACHE_DIR = before;
});

describe('the validated-content snapshot', () => {
  it('is written after a successful validation and read back as the same content', () => {
    const first = loadContent(prompts);
    expect(readdirSync(cache).filter((f) => f.startsWith('content-')).sort()).toEqual([expect.stringMatching(/\.json$/), expect.stringMatching(/\.weights$/)]);
    const second = loadContent(prompts);
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    expect(second.playbook).toBeInstanceOf(Map);
  });

  it('keeps the models\' weights as raw bytes beside it, and validates afresh when they are missing or cut short', () => {
    const first = loadContent(prompts);
    const weights = join(cache, readdirSync(cache).find((f) => f.endsWith('.weights'))!);
    const floats = Object.values(first.models!).reduce((n, m) => n + Object.keys(m.weights).length * m.labels.length, 0);
    expect(readFileSync(weights).length).toBe(floats * 8);
    writeFileSync(weights, readFileSync(weights).subarray(0, 1000));
    const cut = loadContent(prompts);
    expect(cut).toEqual(first);
    expect(readFileSync(weights).length).toBe(floats * 8);
    rmSync(weights);
    expect(loadContent(prompts)).toEqual(first);
  });

  it('never serves an edited file from the snapshot: the edit is validated afresh', () => {
    loadContent(prompts);
    const file = join(prompts, 'playbook', 'listen.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^id: listen$/m, 'id: listening'));
    expect(() => loadContent(prompts)).toThrow(ContentError);
  });

  it('keeps only the few most recent snapshots', () => {
    for (let i = 0; i < 6; i++) {
      writeFileSync(join(prompts, 'self-care.yaml'), readFileSync(join(DEFAULT_PROMPTS_DIR, 'self-care.yaml'), 'utf8') + `\n# edit ${i}\n`);
      loadContent(prompts);
    }
    expect(readdirSync(cache).filter((f) => f.endsWith('.json')).length).toBe(4);
    expect(readdirSync(cache).filter((f) => f.endsWith('.weights')).length).toBe(4);
  });

  // In a child process: Node's own recursive mkdir spins forever there, which no test timeout can interrupt.
  it.runIf(existsSync('/proc/self'))('still answers, at once, when the cache directory is somewhere no directory can be made (/proc)', () => {
    const bin = new URL('../../bin/defuse', import.meta.url).pathname;
    const r = spawnSync(process.execPath, [bin, 'coach', 'where is my parcel'], {
      env: { ...process.env, DEFUSE_CACHE_DIR: '/proc/defuse-test/cache' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Customer:/);
  }, 30_000);

  it('still loads when the cache directory cannot be written', () => {
    process.env.DEFUSE_CACHE_DIR = join(prompts, 'playbook', 'listen.yaml', 'not-a-dir');
    expect(loadContent(prompts).playbook.size).toBe(9);
  });

  const TEXTS = [
    "This is the THIRD time I've rung. I'm cancelling and my solicitor will hear about it, you useless idiot",
    "I need it by Friday or I miss my flight, can I speak to your manager",
    'Thanks, that sorts it. Have a good day',
  ];
  const readings = (lex: Lexicons) =>
    TEXTS.map((text) => {
      const tokens = tokenize(text);
      const turn = Object.entries(matchTurn(lex, tokens) as unknown as Record<string, PhraseMatch[]>).map(
        ([k, ms]) => [k, ms.map((m) => [m.entry.label, m.entry.pattern, m.startTok, m.endTok, m.negated])] as const,
      );
      const reply = lex.behaviours.match(tokens).map((m) => [m.entry.label, m.startTok, m.endTok]);
      return { turn, reply, issue: lex.issue.match(tokens).length };
    });

  it('keeps the compiled lexicons: a start from the snapshot reads text as a fresh compilation does', () => {
    const fresh = compileLexicons(loadContent(prompts));
    const file = join(cache, readdirSync(cache).find((f) => f.startsWith('content-') && f.endsWith('.json'))!);
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    expect(stored.lexicons.matchers.flags.length).toBeGreaterThan(1000);
    const restored = compileLexicons(loadContent(prompts));
    expect(restored).not.toBe(fresh);
    const r = readings(restored);
    expect(r).toEqual(readings(fresh));
    expect(r[0]!.turn.find(([k]) => k === 'flags')![1].map((m) => m[0])).toEqual(expect.arrayContaining(['repeat_contact', 'threat_churn', 'threat_legal']));
  });

  it('compiles afresh when the stored lexicons do not fit the content', () => {
    const fresh = compileLexicons(loadContent(prompts));
    const file = join(cache, readdirSync(cache).find((f) => f.startsWith('content-') && f.endsWith('.json'))!);
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    stored.lexicons.matchers.flags = [[10 ** 6, 0]];
    writeFileSync(file, JSON.stringify(stored));
    expect(readings(compileLexicons(loadContent(prompts)))).toEqual(readings(fresh));
  });
});
