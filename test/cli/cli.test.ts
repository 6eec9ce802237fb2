/**
 * End-to-end tests of the `defuse` command: each test spawns the real CLI (bin/defuse) as an
 * agent or a script would, and checks exit codes, stdout and stderr.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = new URL('../../', import.meta.url).pathname;
const GUIDANCE_FILES = new Set(readdirSync(new URL('../fixtures/guidance/', import.meta.url).pathname));

// The label ids of docs/taxonomy.md, written out here so the test checks the contract
// independently of src/core/taxonomy.ts.
const EMOTIONS = ['calm', 'confused', 'anxious', 'frustrated', 'angry', 'hostile'];
const FLAGS = ['abusive_language', 'threat_churn', 'threat_legal', 'threat_public', 'demands_manager', 'safety_risk', 'repeat_contact', 'urgent'];
const STAGES = ['venting', 'explaining', 'seeking', 'negotiating', 'accepting', 'closing'];
const STEPS = ['listen', 'empathize', 'apologize', 'diagnose', 'resolve', 'confirm', 'close', 'boundary', 'handoff'];
const HELPFUL = ['acknowledge', 'apologize', 'ask', 'offer', 'expect', 'check', 'thank', 'boundary', 'handoff'];
const HARMFUL = ['blame', 'argue', 'dismiss', 'sarcasm', 'overpromise', 'policy_wall', 'excuse'];
const BEHAVIOURS = [...HELPFUL, ...HARMFUL];

const NOT_ENGLISH = "This doesn't read as English. The offline coach understands English only, so take this reading with care.";
const NOTHING_TO_READ = 'defuse: There is nothing to read yet. Paste what the customer said, or a transcript.\n';

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  error?: Error;
}

function defuse(args: string[], input?: string | Buffer, extraEnv: Record<string, string> = {}): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv };
  delete env.DEBUG; // DEBUG=1 prints stack traces on purpose; the tests check they are not shown otherwise
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, ['bin/defuse', ...args], {
    cwd: repoRoot,
    input: input ?? '',
    encoding: 'utf8',
    env,
    maxBuffer: 64 * 1024 * 1024,
    timeout: 15_000,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, error: r.error };
}

/**
 * Like `defuse`, but stdin arrives through a pipe in chunks with pauses between them, as it
 * does from `slow-command | defuse coach` or a paste tool: the CLI must wait for the end of input.
 */
function defuseSlowStdin(args: string[], chunks: string[], pauseMs = 300): Promise<Run> {
  const env = { ...process.env };
  delete env.DEBUG;
  delete env.NODE_OPTIONS;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/defuse', ...args], { cwd: repoRoot, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => {}); // the child may exit before reading everything: that shows in its status
    const timer = setTimeout(() => child.kill(), 15_000);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
    let i = 0;
    const next = () => {
      if (i < chunks.length) {
        child.stdin.write(chunks[i++]!);
        setTimeout(next, pauseMs);
      } else child.stdin.end();
    };
    setTimeout(next, pauseMs);
  });
}

function expectSuccess(r: Run): void {
  expect(r.stderr).toBe('');
  expect(r.error).toBeUndefined();
  expect(r.signal).toBeNull();
  expect(r.status).toBe(0);
}

/** A failure an agent can act on: exit 1, one `defuse: …` line on stderr, nothing on stdout, no stack. */
function expectCleanFailure(r: Run, message: string | RegExp): void {
  expect(r.error).toBeUndefined();
  expect(r.signal).toBeNull();
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack frames
  expect(r.stderr).not.toMatch(/something went wrong/);
  expect(r.stderr).toMatch(/^defuse: [^\n]+\n$/);
  if (typeof message === 'string') expect(r.stderr).toBe(message);
  else expect(r.stderr).toMatch(message);
  expect(r.stdout).toBe('');
  expect(r.status).toBe(1);
}

// A loose shape of the Advice JSON, enough to type the assertions below.
interface AdviceJson {
  schema: string;
  caseId?: string;
  emotion: string;
  intensity: number;
  flags: string[];
  stage: string;
  step: string;
  stepTitle: string;
  say: { id: string; text: string }[];
  avoid: string[];
  why: string;
  sources: { file: string; title: string; section: string }[];
  cues: { text: string; turn: number; start: number; end: number; signal: string; label: string }[];
  escalate: { notify: boolean; reasons: { id: string; text: string }[] };
  turnsRead: { customer: number; agent: number; notes: number };
  notices: string[];
}

function parseAdvice(r: Run): AdviceJson {
  expectSuccess(r);
  return JSON.parse(r.stdout) as AdviceJson;
}

/** Checks every field the brief names holds taxonomy ids and sensible values. */
function expectWellFormedAdvice(a: AdviceJson, text?: string): void {
  expect(a.schema).toBe('defuse.advice/1');
  expect(EMOTIONS).toContain(a.emotion);
  expect(STAGES).toContain(a.stage);
  expect(STEPS).toContain(a.step);
  expect(a.intensity).toBeGreaterThanOrEqual(0);
  expect(a.intensity).toBeLessThanOrEqual(1);
  for (const f of a.flags) expect(FLAGS).toContain(f);

  expect(a.say.length).toBeGreaterThanOrEqual(2);
  expect(a.say.length).toBeLessThanOrEqual(3);
  expect(new Set(a.say.map((w) => w.id)).size).toBe(a.say.length);
  for (const w of a.say) {
    // Wording ids are "<step>.<n>": the wordings come from the recommended step's playbook.
    expect(w.id).toMatch(new RegExp(`^${a.step}\\.\\d+$`));
    expect(w.text.trim().length).toBeGreaterThan(10);
  }

  expect(a.sources.length).toBeGreaterThan(0);
  for (const s of a.sources) {
    expect(GUIDANCE_FILES.has(s.file), `unknown guidance file ${s.file}`).toBe(true);
    expect(s.title.trim()).not.toBe('');
    expect(s.section.trim()).not.toBe('');
  }

  for (const c of a.cues) {
    if (text !== undefined) {
      // A cue quotes the customer's own words, at the offsets it names (single-message input: turn 0).
      expect(c.turn).toBe(0);
      expect(text.slice(c.start, c.end)).toBe(c.text);
    }
    const labels = { emotion: EMOTIONS, flag: FLAGS, stage: STAGES, intensity: null }[c.signal as 'emotion'];
    expect(['emotion', 'flag', 'stage', 'intensity']).toContain(c.signal);
    if (labels) expect(labels).toContain(c.label);
  }

  expect(typeof a.escalate.notify).toBe('boolean');
  expect(Array.isArray(a.escalate.reasons)).toBe(true);
  if (!a.escalate.notify) expect(a.escalate.reasons).toEqual([]);
}

describe('defuse coach', () => {
  // Taxonomy §1: "third time", "still not fixed" are the cues of `frustrated`; §2: repeat_contact.
  const MESSAGE = "This is the third time I'm writing about my refund and it's still not fixed.";

  it('reads a message given as an argument and prints readable advice', () => {
    const r = defuse(['coach', MESSAGE]);
    expectSuccess(r);
    expect(r.stdout).toMatch(/^Customer: frustrated /m);
    expect(r.stdout).toMatch(/^Next step: [a-z]+ — \S.*$/m);
    expect(r.stdout).toMatch(/^Say now:\n {2}1\. \S/m);
    expect(r.stdout).toMatch(/^Based on: \d{3}_/m);
  });

  it('prints the Advice with --json, with taxonomy ids the readable output agrees with', () => {
    const json = defuse(['coach', '--json', MESSAGE]);
    const a = parseAdvice(json);
    expectWellFormedAdvice(a, MESSAGE);
    expect(a.emotion).toBe('frustrated');
    expect(a.flags).toContain('repeat_contact');
    expect(a.cues.some((c) => c.signal === 'flag' && c.label === 'repeat_contact' && /third time/i.test(c.text))).toBe(true);
    expect(a.turnsRead).toEqual({ customer: 1, agent: 0, notes: 0 });
    expect(a.notices).toEqual([]);

    // The readable output is a rendering of the same Advice.
    const text = defuse(['coach', MESSAGE]);
    expectSuccess(text);
    expect(text.stdout).toContain(`Customer: ${a.emotion} `);
    expect(text.stdout).toContain(`Stage:    ${a.stage}`);
    expect(text.stdout).toContain(`Next step: ${a.step} — ${a.stepTitle}\n`);
    a.say.forEach((w, i) => expect(text.stdout).toContain(`  ${i + 1}. ${w.text}\n`));
  });

  it('accepts --json after the text as well', () => {
    const a = parseAdvice(defuse(['coach', MESSAGE, '--json']));
    expect(a.emotion).toBe('frustrated');
  });

  it('reads the text from standard input when no argument is given', () => {
    // Taxonomy §1: "I don't get it", "which form?" are the cues of `confused`.
    const msg = "I don't get it, which form do I need to fill in?";
    const fromStdin = parseAdvice(defuse(['coach', '--json'], `${msg}\n`));
    expectWellFormedAdvice(fromStdin, msg);
    expect(fromStdin.emotion).toBe('confused');
    expect(fromStdin.turnsRead).toEqual({ customer: 1, agent: 0, notes: 0 });

    // Same reading as the argument form: stdin was read whole, not just a part of it.
    const fromArg = parseAdvice(defuse(['coach', '--json', msg]));
    const { caseId: _a, ...s } = fromStdin;
    const { caseId: _b, ...g } = fromArg;
    expect(s).toEqual(g);

    const readable = defuse(['coach'], `${msg}\n`);
    expectSuccess(readable);
    expect(readable.stdout).toMatch(/^Customer: confused /m);
    expect(readable.stdout).toContain('Next step: ');
  });

  it('waits for standard input that arrives slowly through a pipe', async () => {
    // Nothing is in the pipe when the CLI starts, and the text comes in two parts.
    const r = await defuseSlowStdin(['coach', '--json'], ['My refund is late ', "and this is the third time I'm asking.\n"]);
    const a = parseAdvice(r);
    expect(a.turnsRead).toEqual({ customer: 1, agent: 0, notes: 0 });
    expect(a.flags).toContain('repeat_contact'); // from the second part: the whole input was read
  });

  it('splits a transcript on stdin by speaker', () => {
    const transcript = 'Customer: my bill is wrong\nAgent: Sorry! Which month?\nCustomer: March. This is the THIRD time I have asked, unacceptable!\n';
    const a = parseAdvice(defuse(['coach', '--json'], transcript));
    expect(a.turnsRead).toEqual({ customer: 2, agent: 1, notes: 0 });
    expect(a.flags).toContain('repeat_contact');
  });
});

describe('defuse review', () => {
  const DRAFT = "Calm down, that's not true.";
  const CONTEXT = 'You charged me twice for the same order!';

  it('names the harmful behaviours of a draft in readable output', () => {
    const r = defuse(['review', DRAFT, '--context', CONTEXT]);
    expectSuccess(r);
    expect(r.stdout).toMatch(/^ {2}✗ dismiss: "Calm down"$/m);
    expect(r.stdout).toMatch(/^ {2}✗ argue: "that's not true"$/m);
    expect(r.stdout).not.toContain('✓');
  });

  it('prints a Review with --json whose behaviours are taxonomy ids, spans pointing into the draft', () => {
    const r = defuse(['review', '--json', '--context', CONTEXT, DRAFT]);
    expectSuccess(r);
    const review = JSON.parse(r.stdout) as {
      schema: string;
      behaviours: string[];
      findings: { id: string; kind: string; spans: { text: string; start: number; end: number }[] }[];
      summary: string;
    };
    expect(review.schema).toBe('defuse.review/1');
    expect(Array.isArray(review.behaviours)).toBe(true);
    for (const b of review.behaviours) expect(BEHAVIOURS).toContain(b);
    expect([...review.behaviours].sort()).toEqual(['argue', 'dismiss']);
    for (const f of review.findings) {
      expect(f.kind).toBe(HARMFUL.includes(f.id) ? 'harmful' : 'helpful');
      // The context is not part of the draft: every span sits in the draft's text.
      for (const s of f.spans) expect(DRAFT.slice(s.start, s.end)).toBe(s.text);
    }
    expect(review.findings.map((f) => f.id).sort()).toEqual(['argue', 'dismiss']);
    expect(review.summary).toMatch(/argue/);
    expect(review.summary).toMatch(/dismiss/);
  });

  it('finds no harmful behaviour in a good draft', () => {
    const draft = "I'm sorry you were charged twice. I've refunded the second charge, and you'll see it within 3 days.";
    const r = defuse(['review', '--json', draft, '--context', CONTEXT]);
    expectSuccess(r);
    const review = JSON.parse(r.stdout) as { behaviours: string[] };
    expect(review.behaviours).toContain('apologize');
    expect(review.behaviours.filter((b) => HARMFUL.includes(b))).toEqual([]);
  });

  it('reads a draft from standard input that arrives slowly through a pipe', async () => {
    const r = await defuseSlowStdin(['review', '--json', '--context', CONTEXT], ['Calm down, ', "that's not true.\n"]);
    expectSuccess(r);
    expect([...(JSON.parse(r.stdout) as { behaviours: string[] }).behaviours].sort()).toEqual(['argue', 'dismiss']);
  });

  it('refuses an empty draft with a clear message', () => {
    expectCleanFailure(defuse(['review', '   ', '--context', CONTEXT]), NOTHING_TO_READ);
  });
});

describe('defuse batch', () => {
  const lines = [
    JSON.stringify({
      id: 'c017',
      turns: [
        { role: 'customer', text: 'My order never arrived.' },
        { role: 'agent', text: 'Let me check that for you.' },
        { role: 'customer', text: "This is the THIRD time I've written about this! Unacceptable!" },
      ],
    }),
    JSON.stringify({ id: 'r004', raw: 'cust on the phone says this is the 3rd time... she wants a refund' }),
    JSON.stringify({ id: 'd009', context: 'You charged me twice!', draft: "Calm down, that's not true." }),
    '',
    'this is {not JSON',
    JSON.stringify({ id: 'bad-role', turns: [{ role: 'manager', text: 'hello' }] }),
    '   ',
    JSON.stringify({ id: 'last', raw: 'Thanks, that works for me. Bye!' }),
  ];

  it('writes one JSON line per non-empty input line, in order, with errors in place', () => {
    const r = defuse(['batch'], `${lines.join('\n')}\n`);
    expectSuccess(r);
    expect(r.stdout.endsWith('\n')).toBe(true);
    const out = r.stdout.slice(0, -1).split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(out).toHaveLength(lines.filter((l) => l.trim() !== '').length);
    expect(out.map((o) => o.id)).toEqual(['c017', 'r004', 'd009', 'line-5', 'bad-role', 'last']);
    // Each output carries exactly one of advice, review, error.
    expect(out.map((o) => Object.keys(o).sort().join(','))).toEqual([
      'advice,id',
      'advice,id',
      'id,review',
      'error,id',
      'error,id',
      'advice,id',
    ]);

    const [turns, raw, draft, notJson, badRole, last] = out as [any, any, any, any, any, any];
    expectWellFormedAdvice(turns.advice);
    expect(turns.advice.turnsRead).toEqual({ customer: 2, agent: 1, notes: 0 });
    expect(turns.advice.flags).toContain('repeat_contact');
    expect(EMOTIONS.indexOf(turns.advice.emotion)).toBeGreaterThanOrEqual(EMOTIONS.indexOf('frustrated'));

    expect(raw.advice.turnsRead.customer).toBeGreaterThanOrEqual(1);
    expect(raw.advice.flags).toContain('repeat_contact');
    for (const f of raw.advice.flags) expect(FLAGS).toContain(f);

    expect([...draft.review.behaviours].sort()).toEqual(['argue', 'dismiss']);

    expect(notJson.error).toEqual({ code: 'input_invalid', message: 'line 5 is not valid JSON' });
    expect(Object.keys(badRole.error).sort()).toEqual(['code', 'message']);
    expect(badRole.error.code).toBe('input_invalid');
    expect(badRole.error.message).toMatch(/^turns\.0\.role: /);

    expect(STAGES).toContain(last.advice.stage);
  });

  it('reports a case with nothing to read as an error and goes on', () => {
    const input = [
      JSON.stringify({ id: 7, raw: '   ' }),
      JSON.stringify({ id: 'no-text' }),
      JSON.stringify({ id: 'ok', raw: 'I need it by Friday or I lose the contract.' }),
    ].join('\n');
    const r = defuse(['batch'], input); // no trailing newline: the last line still counts
    expectSuccess(r);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(out.map((o) => o.id)).toEqual(['7', 'no-text', 'ok']);
    expect(out[0]!.error.code).toBe('input_empty');
    expect(out[1]!.error.code).toBe('input_invalid');
    expect(out[2]!.advice.flags).toContain('urgent');
  });

  it('stops quietly when its reader closes the pipe early, as `defuse batch | head` does', async () => {
    const env = { ...process.env };
    delete env.DEBUG;
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, ['bin/defuse', 'batch'], { cwd: repoRoot, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    let first = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Close our end as soon as the first line is in, while the CLI still has thousands to write.
    child.stdout.once('data', (d: Buffer) => {
      first = d.toString();
      child.stdout.destroy();
    });
    child.stdin.on('error', () => {}); // the CLI may be gone before all input is written
    child.stdin.end(`${Array.from({ length: 3000 }, (_, i) => JSON.stringify({ id: `x${i}`, raw: 'Where is my parcel? Third time asking!' })).join('\n')}\n`);
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(first).toMatch(/^\{"id":"x0",/);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('writes nothing for empty input', () => {
    const r = defuse(['batch'], '');
    expectSuccess(r);
    expect(r.stdout).toBe('');
  });
});

describe('bad input never crashes the CLI', () => {
  it('refuses an empty argument', () => {
    expectCleanFailure(defuse(['coach', '']), NOTHING_TO_READ);
  });

  it('refuses a whitespace-only argument', () => {
    expectCleanFailure(defuse(['coach', ' \t \n  ']), NOTHING_TO_READ);
  });

  it('refuses empty and whitespace-only standard input', () => {
    expectCleanFailure(defuse(['coach'], ''), NOTHING_TO_READ);
    expectCleanFailure(defuse(['coach', '--json'], '  \n\t\r\n  \n'), NOTHING_TO_READ);
  });

  it('refuses binary bytes on stdin', () => {
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0x41, 0x42]);
    expectCleanFailure(defuse(['coach'], zip), /^defuse: That looks like a binary file, not text\./);
    expectCleanFailure(defuse(['coach', '--json'], zip), /binary/);
  });

  it('refuses invalid UTF-8 on stdin', () => {
    expectCleanFailure(defuse(['coach'], Buffer.from([0xff, 0xfe, 0x41])), /^defuse: The text is not valid UTF-8\./);
    // A truncated multi-byte sequence at the end of otherwise fine text.
    expectCleanFailure(defuse(['coach'], Buffer.concat([Buffer.from('my refund is late '), Buffer.from([0xe2, 0x82])])), /not valid UTF-8/);
  });

  it('reads only the latest part of a 1 MB text, and says so', () => {
    // Old, calm filler; the latest lines carry the signals.
    const first = 'I need this by Friday, please.\n';
    const filler = 'I ordered a blue jacket in March and I am writing to ask about the delivery.\n';
    const tail = 'This is the third time I have written and it is still not fixed!\n';
    let text = first;
    while (text.length + tail.length < 1024 * 1024) text += filler;
    text += tail;
    expect(text.length).toBeGreaterThan(1_000_000);

    const a = parseAdvice(defuse(['coach', '--json'], text));
    expect(a.notices).toHaveLength(1);
    const m = /^The input was long \(([\d,]+) characters\); only the latest ([\d,]+) were read\.$/.exec(a.notices[0]!);
    expect(m, a.notices[0]).not.toBeNull();
    expect(m![1]).toBe(text.length.toLocaleString('en-US'));
    const read = Number(m![2]!.replace(/,/g, ''));
    expect(read).toBeGreaterThan(7_000);
    expect(read).toBeLessThanOrEqual(8_000);
    // The latest part was read; the first line (with its deadline) was not.
    expect(a.flags).toContain('repeat_contact');
    expect(a.flags).not.toContain('urgent');
  });

  it.each([
    ['German', 'Das ist jetzt schon das dritte Mal, dass ich wegen meiner Rückerstattung schreibe. Ich will sofort mein Geld zurück!'],
    ['Japanese', '返金について三回目の連絡です。本当に怒っています。すぐにお金を返してください。'],
  ])('reads %s text but says it does not read as English', (_lang, text) => {
    const a = parseAdvice(defuse(['coach', '--json', text]));
    expect(EMOTIONS).toContain(a.emotion);
    expect(STEPS).toContain(a.step);
    expect(a.notices).toEqual([NOT_ENGLISH]);

    const readable = defuse(['coach'], text);
    expectSuccess(readable);
    expect(readable.stdout).toContain(`Note: ${NOT_ENGLISH}`);
  });

  it('does not add the language notice to English text', () => {
    const a = parseAdvice(defuse(['coach', '--json', 'My order never arrived and nobody answers the phone.']));
    expect(a.notices).toEqual([]);
  });
});

describe('commands and help', () => {
  it('rejects an unknown command with exit 2, naming it', () => {
    const r = defuse(['frobnicate', 'hello']);
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('defuse: unknown command "frobnicate". Try: defuse --help\n');
  });

  it.each([['--help'], ['-h'], ['help']])('shows usage with %s and exits 0', (flag) => {
    const r = defuse([flag]);
    expectSuccess(r);
    expect(r.stdout).toMatch(/^Usage:$/m);
    for (const cmd of ['defuse coach', 'defuse review', 'defuse batch', '--json']) expect(r.stdout).toContain(cmd);
  });

  it('shows usage and exits 2 when no command is given', () => {
    const r = defuse([]);
    expect(r.status).toBe(2);
    expect(`${r.stdout}${r.stderr}`).toMatch(/^Usage:$/m);
  });
});

describe('defuse coach --case: a case kept between runs', () => {
  it('continues the case from the store in DATA_DIR, across processes, with personal data redacted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'defuse-cli-case-'));
    try {
      const env = { DATA_DIR: dir, DATABASE_URL: '' };
      const first = defuse(['coach', '--case', 'c-77', '--json', "third time I'm calling, card 4111 1111 1111 1111 was charged twice"], '', env);
      expect(first.status, first.stderr).toBe(0);
      const a = JSON.parse(first.stdout);
      expect(a.flags).toContain('repeat_contact');
      expect(first.stdout).not.toContain('4111');
      const second = defuse(['coach', '--case', 'c-77', '--json', "Agent: I'm sorry, I've refunded the second charge.\nCustomer: ok fine, thanks"], '', env);
      expect(second.status, second.stderr).toBe(0);
      const b = JSON.parse(second.stdout);
      // The second run read the first run's turn: two customer turns, a trend, steps taken.
      expect(b.trend.history).toHaveLength(2);
      expect(b.stepsTaken).toEqual(expect.arrayContaining(['apologize', 'resolve']));
      expect(b.say.map((w: { id: string }) => w.id)).not.toEqual(expect.arrayContaining(a.say.map((w: { id: string }) => w.id)));
      expect(readdirSync(dir)).toContain('defuse.sqlite');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the variable to fix when the store configuration is wrong', () => {
    const r = defuse(['coach', '--case', 'x', 'hello'], '', { DATABASE_URL: 'mysql://root:secret@db/x' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/DATABASE_URL must be a PostgreSQL URL/);
    expect(r.stderr).not.toContain('secret');
  });
});

describe('defuse drill: a drill at the terminal', () => {
  const script = [
    "I'm so sorry, that sounds really stressful with the birthday so close.",
    'Could you tell me what happened with the order?',
    'What would make this right for you?',
    'I can send a replacement scooter by express today so it arrives tomorrow, at no cost to you.',
    'It will be with you by 6pm Friday. Does that work for you?',
    'Thank you for your patience. Is there anything else I can help with?',
  ].join('\n');

  it('plays a scripted drill from standard input, the same for the same seed, and ends with a scorecard', () => {
    const a = defuse(['drill', 'late-delivery', '--seed', '5'], script);
    expect(a.status).toBe(0);
    expect(a.stdout).toContain('Drill: The birthday present that did not arrive');
    expect(a.stdout).toMatch(/Dana \[angry\]: /);
    expect(a.stdout).toMatch(/Scorecard: \d+\/100/);
    expect(a.stdout).toMatch(/Resolved/);
    expect(a.stdout).toMatch(/empathy 100/);
    expect(defuse(['drill', 'late-delivery', '--seed', '5'], script).stdout).toBe(a.stdout);
    const json = defuse(['drill', 'late-delivery', '--seed', '5', '--json'], script);
    const card = JSON.parse(json.stdout.slice(json.stdout.indexOf('\n{') + 1)) as { schema: string; skills: unknown[]; outcome: string };
    expect(card).toMatchObject({ schema: 'defuse.drill-score/1', outcome: 'resolved' });
    expect(card.skills).toHaveLength(9);
  });

  it('lists the scenarios, stops on "stop", and names a bad scenario or seed', () => {
    expect(defuse(['drill', 'list']).stdout).toContain('swearing-customer');
    const stopped = defuse(['drill', 'double-charge'], 'stop\n');
    expect(stopped.stdout).toContain('Drill stopped. No score was recorded.');
    const bad = defuse(['drill', 'nope']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/There is no drill scenario "nope"/);
    expect(defuse(['drill', 'late-delivery', '--seed', 'x']).stderr).toMatch(/--seed needs a whole number/);
  });
});
