/**
 * The flag model's trial the way a new writer meets the engine (src/eval/README.md, "Flags the
 * lexicons have not met"): ROOT is a worktree of this repository at the commit that added a
 * writer's set, before that set's cues were written; the flag model is trained there on every
 * tuning file but the ones scored, with that commit's own features, and the engine's flags
 * are scored on the set with the model adding (even odds, never a flag the lexicons ruled out:
 * read-turn.ts `vetoed`) and, for each --doubt threshold, dropping a cue's flag whose
 * probability falls below it (flags in --keep never).
 *
 *   git worktree add --detach /tmp/trial-aj 6ed24ed && ln -s "$PWD/node_modules" /tmp/trial-aj/
 *   node scripts/flag-trial.ts /tmp/trial-aj /tmp/trial-aj/evals/tuning/extra-aj.jsonl \
 *     [--add 0.5] [--doubt 0,0.05] [--keep safety_risk] [--l2 0.0001] [--local-veto] [--show]
 *     [--window sentence] [--min-words 60] [--need-content]
 *
 * --local-veto holds `not` entries to the words they touch (read-turn.ts `ruledOut`), as
 * shipped; without it they rule their flag out in the whole turn, as before. --show lists each
 * flag the doubting dropped: the case, the flag, and whether it was labelled. --window keeps a
 * cue's flag the whole turn doubts when the sentence of one of its cues puts it at the threshold
 * or above, in turns of --min-words words or more (the engine: learned.ts, LONG_TURN_WORDS).
 *
 * ROOT's modules are loaded as they were at that commit, so their shapes are only assumed
 * here (`any`): this is an experiment's harness, not part of the engine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { LEARNED_FLAGS } from '../src/core/analysis/learned.ts';
import { loadContent } from '../src/content/load-content.ts';
import { compileModel, strongestWords, type LinearModel } from '../src/core/analysis/linear-model.ts';
import { sentenceAround, tokenize as tokenizeNow } from '../src/core/text/tokens.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = args[i + 1]!;
  args.splice(i, 2);
  return v;
};
const doubts = option('--doubt', '0').split(',').map(Number);
const keep = new Set(option('--keep', 'safety_risk').split(',').filter(Boolean));
const l2 = Number(option('--l2', '0.0001'));
const adds = option('--add', '0.5').split(',').map(Number);
const present = (name: string) => {
  const i = args.indexOf(name);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
};
const localVeto = present('--local-veto');
const window = option('--window', '');
if (window !== '' && window !== 'sentence') throw new Error('--window: only "sentence" is supported');
const minWords = Number(option('--min-words', '0'));
const show = present('--show');
const needContent = present('--need-content');
/** --need-content: the model adds a flag only when the words it shows are not all bare words (today's signals.yaml `bare_words`, as learned.ts). */
const BARE_WORDS = new Set(loadContent(undefined, { models: false }).signals.bare_words);
const [root, ...tests] = args;
if (!root || tests.length === 0) throw new Error('usage: see the header of scripts/flag-trial.ts');

const load = (p: string): Promise<any> => import(`${root}/src/${p}`);
const { createEngine } = await load('engine.ts');
const { analyseCase } = await load('core/analysis/analyse-case.ts');
const { readInput } = await load('core/parse/read-input.ts');
const { turnFeatures } = await load('core/analysis/features.ts');
const { fitLinear } = await load('eval/fit.ts');
const { runCase } = await load('eval/run-case.ts');
const { matchTurn } = await load('core/analysis/lexicon.ts');
const { tokenize } = await load('core/text/tokens.ts');

// The model's labels as shipped; the old engines only provide the features and the fit.
const FL: readonly string[] = LEARNED_FLAGS;
const engine = createEngine();
const lex = engine.lexicons;
const { models: _models, modelsFrom: _from, ...rules } = lex;

/** The latest customer turn as the rules read it (no models), as training and scoring see it. */
function latestTurn(c: any): any {
  const turns = readInput(lex, c.turns ? { turns: c.turns } : { text: c.raw ?? '' }).turns;
  const r = analyseCase(rules, turns);
  return { ...r.customer[r.customer.length - 1], index: r.customer.length - 1 };
}

function features(last: any): Map<string, number> {
  const ctx = { agentSteps: last.agentStepsBefore, agentText: last.agentTextBefore, customerTurnIndex: last.index, ruleEmotion: last.emotionReading.emotion, ruleStage: last.stageId };
  return turnFeatures(last, last.emotionReading, ctx, ['words']);
}

/**
 * What the lexicons ruled out in the turn (read-turn.ts `vetoed`), from that commit's matches.
 * With --local-veto, a `not` entry rules a flag out only where it stands: `cueAt` gives the
 * model's cue for the flag as a token range, and the flag is vetoed only when a `not` entry of
 * it touches that range (waivers and the abuse veto still cover the whole turn).
 */
function vetoed(last: any, cueAt: (flag: string) => { start: number; end: number } | undefined): Set<string> {
  const tokens = tokenize(last.text);
  const found = matchTurn(lex, tokens);
  const v = new Set<string>();
  for (const b of found.flagBlockers ?? []) {
    if (last.reported && b.entry.kind === 'own') continue;
    const flag = b.entry.label;
    if (!localVeto || b.entry.kind === 'waiver') {
      v.add(flag);
      continue;
    }
    const at = cueAt(flag);
    if (at && b.startTok <= at.end && b.endTok >= at.start) v.add(flag);
  }
  const insults = found.insults ?? lex.insults.match(tokens);
  if (!last.flags.has('abusive_language') && (found.profanity.length > 0 || found.insultNouns.length > 0 || insults.length > 0)) v.add('abusive_language');
  return v;
}

const read = (p: string) =>
  readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l))
    .filter((c) => c.labels?.flags && !c.draft);

const scored = new Set(tests.map((t) => basename(t)));
const train: any[] = [];
for (const f of readdirSync(`${root}/evals/tuning`).filter((n) => n.endsWith('.jsonl') && !scored.has(n))) {
  for (const c of read(`${root}/evals/tuning/${f}`)) {
    try {
      train.push({ features: features(latestTurn(c)), target: new Set(c.labels.flags.filter((x: string) => FL.includes(x)).map((x: string) => FL.indexOf(x))) });
    } catch {
      // A case the rules cannot read (no customer words) trains nothing.
    }
  }
}
const weights: Map<string, number[]> = fitLinear(FL.length, train, { optimiser: 'adam', epochs: 200, learningRate: 0.1, l2, minCount: 2, positiveWeight: 1 });
// Today's compiled form of the same weights, for the cue the model would show (strongestWords).
const compiled = compileModel({ labels: FL, groups: ['words'], trainedOn: 'trial', multiLabel: true, weights: Object.fromEntries(weights) } as unknown as LinearModel<string>);

for (const t of tests) {
  const rows = read(t).map((c) => {
    const shown = new Set<string>(runCase(engine, c).advice?.flags ?? []);
    let p = FL.map(() => 0.5);
    let veto = new Set<string>();
    const pw = new Map<string, number>();
    const bare = new Set<string>();
    try {
      const last = latestTurn(c);
      const now = tokenizeNow(last.text);
      veto = vetoed(last, (flag) => strongestWords(compiled, now, FL.indexOf(flag)));
      if (needContent) FL.forEach((flag, j) => {
        const at = strongestWords(compiled, now, j);
        if (at && now.slice(at.start, at.end).every((w: any) => BARE_WORDS.has(w.norm))) bare.add(flag);
      });
      const z = FL.map(() => 0);
      for (const [k, v] of features(last)) {
        const w = weights.get(k);
        if (w) for (let j = 0; j < FL.length; j++) z[j]! += w[j]! * v;
      }
      p = z.map((x) => 1 / (1 + Math.exp(-x)));
      if (window && now.length >= minWords) {
        // --window sentence: the best of the flag's cues, each read on its own sentence alone.
        for (const [flag, cues] of last.flags as Map<string, { start: number; end: number }[]>) {
          const j = FL.indexOf(flag);
          if (j < 0) continue;
          let best = 0;
          for (const c of cues) {
            const at = sentenceAround(now, c.start, c.end);
            if (!at) continue;
            const text = last.text.slice(now[at.start]!.start, now[at.end - 1]!.end);
            let zw = 0;
            for (const [k, v] of features({ ...last, text })) zw += (weights.get(k)?.[j] ?? 0) * v;
            best = Math.max(best, 1 / (1 + Math.exp(-zw)));
          }
          pw.set(flag, best);
        }
      }
    } catch {
      // Unreadable: the engine's own flags stand.
    }
    return { id: String(c.id), gold: new Set<string>(c.labels.flags), shown, p, veto, pw, bare };
  });
  const line = (name: string, decide: (r: (typeof rows)[number]) => Set<string>) => {
    let tp = 0, fp = 0, fn = 0;
    for (const r of rows) {
      const out = decide(r);
      for (const x of out) (r.gold.has(x) ? tp++ : fp++);
      for (const x of r.gold) if (!out.has(x)) fn++;
    }
    const P = tp / (tp + fp), R = tp / (tp + fn);
    console.log(`${basename(t)} ${name}: F1 ${((2 * P * R) / (P + R)).toFixed(3)} (P ${P.toFixed(3)} / R ${R.toFixed(3)})`);
  };
  line('engine as it was', (r) => r.shown);
  for (const add of adds) for (const low of doubts) {
    line(`model adds above ${add}, doubts below ${low}`, (r) => {
      const out = new Set(r.shown);
      FL.forEach((f, j) => {
        if (out.has(f)) {
          if (r.p[j]! < low && !keep.has(f) && (r.pw.get(f) ?? 0) < low) {
            out.delete(f);
            if (show) console.log(`  dropped ${r.id} ${f} (p ${r.p[j]!.toFixed(3)}): ${r.gold.has(f) ? 'labelled, a loss' : 'not labelled, a gain'}`);
          }
        } else if (r.p[j]! > add && !r.veto.has(f)) {
          if (r.bare.has(f)) {
            if (show) console.log(`  bare ${r.id} ${f}: ${r.gold.has(f) ? 'labelled, kept out: a loss' : 'not labelled, kept out: a gain'}`);
          } else out.add(f);
        }
      });
      return out;
    });
  }
}
