/**
 * The odds at which the flag model adds a flag the lexicons missed (learned.ts), tried the way
 * a new writer meets the engine: each writer's set is read by the engine of the commit that
 * added it (the set was committed alone, before its cues were written and before any model was
 * trained on it), with that engine's add odds replaced, flag by flag, by the ones given.
 *
 *   node scripts/add-odds-trial.ts [--sets extra-ay,extra-az,...] \
 *     [--try '{"safety_risk":0.3}'] [--try '{"repeat_contact":0.6}'] ...
 *
 * Prints, per set, flags micro-F1 as the engine was and with each --try; then, pooled over the
 * sets, micro-F1 and each flag's true / false positives and misses. Sets default to the writers'
 * flag sets from extra-ay on that are still in evals/tuning. Each commit is unpacked (git
 * archive) into a temporary folder that shares this checkout's node_modules, and only the one
 * line of learned.ts that compares a flag's logit with the add odds (and the one that compares
 * the urgency model's, for "urgent") is changed, to read the odds from FLAG_ADD. This is an
 * experiment's harness, not part of the engine.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLAGS } from '../src/core/taxonomy.ts';

const root = new URL('../', import.meta.url).pathname;
const args = process.argv.slice(2);
const tries: Record<string, number>[] = [];
let sets: string[] | undefined;
for (let i = 0; i < args.length; i += 2) {
  if (args[i] === '--try') tries.push(JSON.parse(args[i + 1]!) as Record<string, number>);
  else if (args[i] === '--sets') sets = args[i + 1]!.split(',');
  else throw new Error(`unknown option ${args[i]}: see the header of scripts/add-odds-trial.ts`);
}
sets ??= readdirSync(join(root, 'evals/tuning'))
  .filter((f) => /^extra-(a[y-z]|b[a-z])\.jsonl$/.test(f))
  .map((f) => f.replace(/\.jsonl$/, ''))
  .sort();

const git = (...a: string[]) => execFileSync('git', a, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });

/** The one comparison of a flag's logit with the add odds, as it reads in the engine's history. */
const ODDS_LINE = /z\[j\]! <= (FLAG_ODDS|ADD_ODDS\[flag\])/;
/** The urgency model's own comparison (its odds are given as "urgent" in --try). */
const URGENT_LINE = '[0]! > URGENT_ODDS';
/** Read once, at the top of the unpacked learned.ts: the odds FLAG_ADD gives, as logits. */
const TRIED = "const TRIED_ODDS: Record<string, number> = Object.fromEntries(Object.entries(JSON.parse(process.env.FLAG_ADD ?? '{}') as Record<string, number>).map(([f, p]) => [f, Math.log(p / (1 - p))]));\n";
const READ_ODDS = 'z[j]! <= (TRIED_ODDS[flag] ?? $1)';
const READ_URGENT = "[0]! > (TRIED_ODDS['urgent'] ?? URGENT_ODDS)";

type Counts = { tp: number; fp: number; fn: number };
const settings = [{}, ...tries];
const pooled = settings.map(() => new Map<string, Counts>(FLAGS.map((f) => [f, { tp: 0, fp: 0, fn: 0 }])));
const f1 = (c: Counts) => (2 * c.tp) / (2 * c.tp + c.fp + c.fn);
const sum = (m: Map<string, Counts>) => [...m.values()].reduce((a, c) => ({ tp: a.tp + c.tp, fp: a.fp + c.fp, fn: a.fn + c.fn }), { tp: 0, fp: 0, fn: 0 });

console.log(`set, engine at | as it was | ${tries.map((t) => JSON.stringify(t)).join(' | ')}`);
for (const set of sets) {
  const commit = git('log', '--diff-filter=A', '--format=%h', '--', `evals/tuning/${set}.jsonl`).trim().split('\n').at(-1);
  if (!commit) throw new Error(`${set}: no commit added evals/tuning/${set}.jsonl`);
  const dir = mkdtempSync(join(tmpdir(), `odds-${set}-`));
  try {
    execFileSync('sh', ['-c', `git -C "${root}" archive ${commit} | tar -x -C "${dir}"`]);
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    const learned = join(dir, 'src/core/analysis/learned.ts');
    const src = readFileSync(learned, 'utf8');
    if (!ODDS_LINE.test(src)) throw new Error(`${set} at ${commit}: learned.ts has no add-odds comparison to replace`);
    writeFileSync(learned, TRIED + src.replace(ODDS_LINE, READ_ODDS).replace(URGENT_LINE, READ_URGENT));
    const input = readFileSync(join(dir, `evals/tuning/${set}.jsonl`), 'utf8');
    const gold = new Map<string, Set<string>>();
    for (const line of input.split('\n').filter((l) => l.trim())) {
      const c = JSON.parse(line) as { id: string; draft?: string; labels?: { flags?: string[] } };
      if (c.labels?.flags && c.draft === undefined) gold.set(String(c.id), new Set(c.labels.flags));
    }
    if (gold.size === 0) continue; // a set of drafts: no flags to score
    const row = settings.map((odds, k) => {
      const out = execFileSync(process.execPath, ['bin/defuse', 'batch'], { cwd: dir, input, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, FLAG_ADD: JSON.stringify(odds) } });
      const here = new Map<string, Counts>(FLAGS.map((f) => [f, { tp: 0, fp: 0, fn: 0 }]));
      for (const line of out.split('\n').filter((l) => l.trim())) {
        const o = JSON.parse(line) as { id: string; advice?: { flags: string[] } };
        const g = gold.get(o.id);
        if (!g || !o.advice) continue;
        for (const f of FLAGS) {
          const p = o.advice.flags.includes(f);
          const c = here.get(f)!;
          const q = pooled[k]!.get(f)!;
          if (p && g.has(f)) (c.tp++, q.tp++);
          else if (p) (c.fp++, q.fp++);
          else if (g.has(f)) (c.fn++, q.fn++);
        }
      }
      return f1(sum(here)).toFixed(3);
    });
    console.log(`${set}, ${commit} | ${row.join(' | ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
settings.forEach((odds, k) => {
  const all = sum(pooled[k]!);
  console.log(`\npooled, ${k === 0 ? 'as it was' : JSON.stringify(odds)}: F1 ${f1(all).toFixed(4)} (tp ${all.tp}, fp ${all.fp}, missed ${all.fn})`);
  console.log(`  ${[...pooled[k]!].map(([f, c]) => `${f} ${c.tp}/${c.fp}/${c.fn}`).join(', ')}`);
});
