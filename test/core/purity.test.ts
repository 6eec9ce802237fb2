import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CORE = new URL('../../src/core/', import.meta.url).pathname;
const FORBIDDEN = /from\s+['"](@slack\/|botbuilder|botframework|openai|pg['"/]|node:sqlite|express|node:fs|node:http|node:net)/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('src/core stays pure', () => {
  it('imports no channel SDK, model client, database driver or I/O module', () => {
    const offenders = files(CORE).flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .filter((l) => FORBIDDEN.test(l))
        .map((l) => `${f}: ${l.trim()}`),
    );
    expect(offenders).toEqual([]);
  });

  it('only the LLM analyser imports the openai SDK', () => {
    const SRC = new URL('../../src/', import.meta.url).pathname;
    const importers = files(SRC).filter((f) => /from\s+['"]openai['"/]/.test(readFileSync(f, 'utf8')));
    expect(importers.map((f) => f.slice(SRC.length))).toEqual(['llm/openai-analyser.ts']);
  });

  it('the check itself catches a forbidden import', () => {
    expect(FORBIDDEN.test(`import { App } from '@slack/bolt';`)).toBe(true);
    expect(FORBIDDEN.test(`import OpenAI from 'openai';`)).toBe(true);
    expect(FORBIDDEN.test(`import { DatabaseSync } from 'node:sqlite';`)).toBe(true);
    expect(FORBIDDEN.test(`import { z } from 'zod';`)).toBe(false);
  });
});
