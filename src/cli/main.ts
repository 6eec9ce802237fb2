/**
 * The `defuse` command: coach, review, batch. Bad input gets a clear message and a
 * non-zero exit, never a stack trace.
 */
import { createInterface } from 'node:readline';
import { DefuseError } from '../core/errors.ts';
import { decodeInput } from '../core/text/sanitize.ts';
import { createEngine, type Engine } from '../engine.ts';
import { isOutput, parseCaseLine, runCase } from '../eval/run-case.ts';
import { renderAdvice, renderReview } from './render.ts';

const HELP = `defuse — a de-escalation coach for support agents

Usage:
  defuse coach "what the customer said"      read a message or transcript, get the next step
  defuse coach < transcript.txt               the same, text on standard input
  defuse review "draft reply" [--context "customer's last message"]
  defuse batch < cases.jsonl > out.jsonl      one JSON line per case (docs/taxonomy.md §6)

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

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
}

async function coach(engine: Engine, args: string[], json: boolean): Promise<void> {
  const text = args.length > 0 ? args.join(' ') : await readStdin();
  const advice = await engine.coach.coach({ text });
  process.stdout.write(json ? `${JSON.stringify(advice, null, 2)}\n` : `${renderAdvice(advice)}\n`);
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
  const engine = createEngine();
  switch (command) {
    case 'coach':
      await coach(engine, rest, json);
      return 0;
    case 'review':
      await review(engine, rest, json);
      return 0;
    case 'batch':
      await batch(engine);
      return 0;
    default:
      process.stderr.write(`defuse: unknown command "${command}". Try: defuse --help\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof DefuseError) {
      process.stderr.write(`defuse: ${err.userMessage}\n`);
      process.exitCode = err.code === 'content_invalid' ? 78 : 1;
    } else {
      process.stderr.write(`defuse: something went wrong (${(err as Error)?.name ?? 'error'}). Run with DEBUG=1 for details.\n`);
      if (process.env.DEBUG) process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
