/**
 * The `defuse` command: coach, review, batch. Bad input gets a clear message and a
 * non-zero exit, never a stack trace.
 */
import { createInterface } from 'node:readline';
import { DefuseError, InputError } from '../core/errors.ts';
import { decodeInput } from '../core/text/sanitize.ts';
import { createEngine, type Engine } from '../engine.ts';
import { isOutput, parseCaseLine, runCase } from '../eval/run-case.ts';
import { flag } from './args.ts';
import { renderAdvice, renderReview } from './render.ts';

const HELP = `defuse — a de-escalation coach for support agents

Usage:
  defuse coach "what the customer said"      read a message or transcript, get the next step
  defuse coach < transcript.txt               the same, text on standard input
  defuse coach --case ID "next message"       continue a stored case (SQLite in DATA_DIR,
                                              or PostgreSQL when DATABASE_URL is set)
  defuse review "draft reply" [--context "customer's last message"]
  defuse batch < cases.jsonl > out.jsonl      one JSON line per case (docs/taxonomy.md §6)
  defuse drill [scenario] [easy|normal|hard]  role-play an angry customer, one reply per line;
                                              a scorecard at the end (--seed N replays a drill)
  defuse drill list                           the scenarios

Options:
  --json      print the Advice (or Review) as JSON
  -h, --help  this text
`;

/** Reads all of standard input. Async: a pipe may deliver slowly (readFileSync(0) fails with EAGAIN). */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return decodeInput(Buffer.concat(chunks));
}

async function coach(args: string[], json: boolean): Promise<void> {
  const caseId = flag(args, '--case');
  if (caseId !== undefined && (caseId === '' || caseId.startsWith('--'))) throw new InputError('input_invalid', '--case needs a case id, such as --case 4471.');
  const text = args.length > 0 ? args.join(' ') : await readStdin();
  // Without --case nothing is kept; with it, the case lives in the configured store.
  const store = caseId === undefined ? undefined : await openConfiguredStore();
  try {
    const engine = createEngine(store ? { store } : {});
    const advice = await engine.coach.coach({ text, ...(caseId ? { caseId, channel: { channel: 'cli' as const, address: {} } } : {}) });
    process.stdout.write(json ? `${JSON.stringify(advice, null, 2)}\n` : `${renderAdvice(advice)}\n`);
  } finally {
    await store?.close();
  }
}

async function openConfiguredStore() {
  const { config: loadDotenv } = await import('dotenv');
  loadDotenv({ quiet: true });
  const { readConfig } = await import('../config.ts');
  const { openStore } = await import('../storage/open-store.ts');
  const config = readConfig(process.env);
  return openStore(config);
}

async function review(engine: Engine, args: string[], json: boolean): Promise<void> {
  const context = flag(args, '--context');
  const draft = args.length > 0 ? args.join(' ') : await readStdin();
  const r = engine.coach.review(draft, context);
  process.stdout.write(json ? `${JSON.stringify(r, null, 2)}\n` : `${renderReview(r)}\n`);
}

async function batch(engine: Engine): Promise<void> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let n = 0;
  for await (const line of rl) {
    n++;
    if (line.trim() === '') continue;
    const c = parseCaseLine(line, n);
    const out = isOutput(c) ? c : runCase(engine, c);
    process.stdout.write(`${JSON.stringify(out)}\n`);
  }
}

async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  const json = args.includes('--json');
  const rest = args.filter((a) => a !== '--json');
  const command = rest.shift();
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(HELP);
    return command ? 0 : 2;
  }
  switch (command) {
    case 'coach':
      await coach(rest, json);
      return 0;
    case 'review':
      await review(createEngine(), rest, json);
      return 0;
    case 'batch':
      await batch(createEngine());
      return 0;
    case 'drill': {
      const { terminalDrill } = await import('./drill.ts');
      return terminalDrill(createEngine(), rest, { input: process.stdin, output: process.stdout, json });
    }
    default:
      process.stderr.write(`defuse: unknown command "${command}". Try: defuse --help\n`);
      return 2;
  }
}

// A reader that stops early (`defuse batch < cases.jsonl | head`) closes the pipe under us. That
// is the reader's choice, not a fault: stop quietly, as other Unix tools do, instead of dying on
// an unhandled 'error' event with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof DefuseError) {
      // At the terminal the operator is the user: configuration and storage problems are
      // shown in full (they name the variable or file to fix and hold no customer text).
      const operator = err.code === 'config_invalid' || err.code.startsWith('store_');
      process.stderr.write(`defuse: ${operator ? err.message : err.userMessage}\n`);
      process.exitCode = err.code === 'content_invalid' ? 78 : 1;
    } else {
      process.stderr.write(`defuse: something went wrong (${(err as Error)?.name ?? 'error'}). Run with DEBUG=1 for details.\n`);
      if (process.env.DEBUG) process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
