import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    expect(readdirSync(cache).filter((f) => f.startsWith('content-'))).toHaveLength(1);
    const second = loadContent(prompts);
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    expect(second.playbook).toBeInstanceOf(Map);
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
    expect(readdirSync(cache).filter((f) => f.startsWith('content-')).length).toBe(4);
  });

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
    const file = join(cache, readdirSync(cache).find((f) => f.startsWith('content-'))!);
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
    const file = join(cache, readdirSync(cache).find((f) => f.startsWith('content-'))!);
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    stored.lexicons.matchers.flags = [[10 ** 6, 0]];
    writeFileSync(file, JSON.stringify(stored));
    expect(readings(compileLexicons(loadContent(prompts)))).toEqual(readings(fresh));
  });
});
