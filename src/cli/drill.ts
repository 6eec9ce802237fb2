/**
 * `defuse drill [scenario] [easy|normal|hard] [--seed N]`: a drill at the terminal, one reply
 * per line on standard input (typed, or piped from a file for a scripted run). Kept in memory:
 * nothing is stored.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { drillIntro, drillListLines, PLAIN, scorecardLines } from '../core/channel/drill-text.ts';
import { isStopInDrill, parseDrillCommand } from '../core/drill/drill-command.ts';
import { ScenarioNotFound, type DrillOwner } from '../core/drill/drills.ts';
import { InputError } from '../core/errors.ts';
import type { Engine } from '../engine.ts';
import { flag } from './args.ts';

const TERMINAL: DrillOwner = { platform: 'terminal', user: 'you', team: 'terminal' };

export async function terminalDrill(engine: Engine, args: string[], io: { input: Readable; output: Writable; json: boolean }): Promise<number> {
  const out = (s: string) => io.output.write(`${s}\n`);
  const seeded = args.includes('--seed');
  const seed = seeded ? Number(flag(args, '--seed')) : undefined;
  if (seeded && !Number.isInteger(seed)) throw new InputError('input_invalid', '--seed needs a whole number, such as --seed 42.');
  const cmd = parseDrillCommand(args.join(' '));
  if (cmd.kind === 'list') {
    drillListLines(PLAIN, engine.drills.scenarios(), 'defuse ').forEach((l) => out(l));
    return 0;
  }
  if (cmd.kind === 'invalid') throw new InputError('input_invalid', cmd.message);
  if (cmd.kind !== 'start') throw new InputError('input_invalid', 'At the terminal: defuse drill [scenario] [easy|normal|hard] [--seed N], or defuse drill list. Stats and the leaderboard live in Slack and Teams.');
  let prepared;
  try {
    prepared = await engine.drills.prepare(TERMINAL, { ...cmd, ...(seed !== undefined ? { seed } : {}) });
  } catch (err) {
    if (err instanceof ScenarioNotFound) throw new InputError('input_invalid', `${err.message} See: defuse drill list`);
    throw err;
  }
  const drillId = `terminal:${Date.now()}`;
  await engine.drills.open(drillId, TERMINAL, prepared, {});
  const intro = drillIntro(PLAIN, prepared, 'Type "stop" to end.');
  const name = prepared.scenario.persona.name;
  out(intro.header);
  out(intro.situation);
  out(intro.footer);
  out('');
  out(`${name} [${prepared.opening.mood}]: ${prepared.opening.text}`);
  const rl = createInterface({ input: io.input, crlfDelay: Infinity, terminal: false });
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '') continue;
    if (isStopInDrill(line)) {
      await engine.drills.stop(TERMINAL, drillId);
      out('Drill stopped. No score was recorded.');
      return 0;
    }
    const r = await engine.drills.reply(drillId, TERMINAL.user, line);
    if (r.kind !== 'turn') continue;
    out(`${name} [${r.mood}, ${r.stage}]: ${r.line.text}`);
    if (r.scorecard) {
      out('');
      if (io.json) out(JSON.stringify(r.scorecard, null, 2));
      else {
        const l = scorecardLines(PLAIN, r.scorecard);
        [l.title, ...l.skills.map((s) => `  ${s}`), ...(l.best ? [l.best] : []), ...(l.weakest ? [l.weakest] : []), l.ideal].forEach((x) => out(x));
      }
      return 0;
    }
  }
  out('Input ended before the drill did. No score was recorded.');
  return 0;
}
