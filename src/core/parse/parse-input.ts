/**
 * Splits what an agent pastes into customer turns, agent turns and notes:
 * a plain customer message, a transcript with speaker prefixes, Slack quotes mixed with
 * the agent's own notes, third-person narration, or a pasted e-mail.
 */
import type { Role, Turn } from '../case.ts';
import type { Lexicons } from '../analysis/lexicon.ts';
import type { Step } from '../taxonomy.ts';
import { tokenize } from '../text/tokens.ts';
import { emailBody, emailKind, QUOTE } from './email.ts';
import { stripChatMarkup } from './slack-markup.ts';
import { readSpeakerPrefix, splitRunOnTurns } from './speakers.ts';

export interface ParsedInput {
  turns: Turn[];
  notices: string[];
}


function actionsIn(lex: Lexicons, text: string): Step[] {
  const found = new Set<Step>();
  for (const m of lex.agentActions.match(tokenize(text))) if (!m.negated) found.add(m.entry.label);
  return [...found];
}

function isCoachQuestion(lex: Lexicons, text: string): boolean {
  return lex.coachQuestions.match(tokenize(text)).length > 0;
}

function isNarration(lex: Lexicons, text: string): boolean {
  return lex.narrator.match(tokenize(text)).length > 0;
}

const sentencesOf = (text: string) => text.split(/(?<=[.!?])\s+|\n+/);

/** Removes sentences addressed to the coach ("what do I say?") from a note or narration. */
function withoutCoachQuestions(lex: Lexicons, text: string): string {
  const sentences = sentencesOf(text);
  return sentences.filter((s) => !(isCoachQuestion(lex, s) && s.length < 160)).join(' ').trim();
}

function noteTurn(lex: Lexicons, text: string): Turn {
  const actions = actionsIn(lex, text);
  return actions.length > 0 ? { role: 'note', text, actions } : { role: 'note', text };
}

/**
 * A direct quote inside narration. A single quote counts only at word edges, so the
 * apostrophes of "he's" or "'new' phone we sold him" never open or close one.
 */
const DIRECT_QUOTE = /(?<=^|[\s(:,;-])(?:"([^"\n]{25,}?)"|“([^”\n]{25,}?)”|'([^\n]{25,}?)'(?=$|[\s.,!?;:)])|‘([^\n]{25,}?)’(?=$|[\s.,!?;:)]))/u;

/**
 * Narration: the agent's report. When it holds a direct quote of the customer, the
 * narration around it stays in the same turn (it carries the threat or the shouting);
 * only what the agent says they did before the quote becomes a note.
 */
function narrationTurns(lex: Lexicons, text: string): Turn[] {
  const m = DIRECT_QUOTE.exec(text);
  if (m) {
    const quote = (m[1] ?? m[2] ?? m[3] ?? m[4])!.trim();
    const before = withoutCoachQuestions(lex, text.slice(0, m.index)).replace(/[,:;\s]+$/, '');
    const after = withoutCoachQuestions(lex, text.slice(m.index + m[0].length)).replace(/^[,:;.\s]+/, '');
    const turns: Turn[] = [];
    // Sentence by sentence: what the agent did is a note, what the customer said or did
    // ("she wants a manager NOW and she'll put it all over facebook") stays with the quote.
    const sentences = sentencesOf(before).filter((x) => x.length > 0);
    const acted = sentences.map((x) => actionsIn(lex, x));
    const beforeActions = [...new Set(acted.flat())];
    if (beforeActions.length > 0) turns.push({ role: 'note', text: sentences.filter((_, i) => acted[i]!.length > 0).join(' '), actions: beforeActions });
    const told = sentences.filter((_, i) => acted[i]!.length === 0).join(' ');
    const said = [told, quote, after].filter((x) => x.length > 0).join('\n');
    turns.push({ role: 'customer', text: said, reported: true });
    return turns;
  }
  const body = withoutCoachQuestions(lex, text);
  const actions = actionsIn(lex, body);
  const turns: Turn[] = [];
  if (actions.length > 0) turns.push({ role: 'note', text: body, actions });
  turns.push({ role: 'customer', text: body || text, reported: true });
  return turns;
}

function mergeAdjacent(turns: Turn[]): Turn[] {
  const out: Turn[] = [];
  for (const t of turns) {
    const prev = out[out.length - 1];
    if (prev && prev.role === t.role && prev.reported === t.reported && t.role !== 'note' && !t.actions && !prev.actions) {
      prev.text = `${prev.text}\n${t.text}`;
    } else out.push({ ...t });
  }
  return out.filter((t) => t.text.trim() !== '');
}

function transcriptTurns(lex: Lexicons, lines: string[]): Turn[] | undefined {
  const read = lines.map((l) => readSpeakerPrefix(l.replace(QUOTE, '')));
  const found = read.filter((p) => p !== undefined).length;
  const headers = read.filter((p) => p?.header).length;
  // A lone "Customer - …" or "[11:02] Jane Doe" is a sentence or a sign-off; two make a transcript.
  const prefixed = read.map((p) => (p && ((p.loose && found < 2) || (p.header && headers < 2)) ? undefined : p));
  const count = prefixed.filter((p) => p !== undefined).length;
  if (count === 0) return undefined;
  // "Customer service: useless" alone is the customer talking, not a reply from support.
  if (prefixed.every((p) => p === undefined || p.ambiguous)) return undefined;
  const known = prefixed.filter((p) => p?.role !== undefined);
  // Unknown names ("Sarah:") count only in a real transcript: two lines or more, and
  // either a known role beside them or two different names taking turns.
  const unknownNames = [...new Set(prefixed.filter((p) => p && p.role === undefined).map((p) => p!.name))];
  if (known.length === 0 && (unknownNames.length < 2 || count < 2)) return undefined;
  const nameRole = new Map<string, Role>();
  const knownRoles = new Set(known.map((p) => p!.role));
  for (const name of unknownNames) {
    if (knownRoles.has('agent') && !knownRoles.has('customer')) nameRole.set(name, 'customer');
    else if (knownRoles.has('customer') && !knownRoles.has('agent')) nameRole.set(name, 'agent');
  }
  // With no known roles the first speaker is the customer: they open the case.
  if (knownRoles.size === 0) unknownNames.forEach((n, i) => nameRole.set(n, i === 0 ? 'customer' : 'agent'));

  const turns: Turn[] = [];
  let current: Turn | undefined;
  lines.forEach((line, i) => {
    const p = prefixed[i];
    const role = p ? (p.role ?? nameRole.get(p.name)) : undefined;
    if (p && role) {
      current = { role, text: p.text };
      turns.push(current);
    } else if (line.trim() === '') {
      // A blank line ends an agent's multi-line reply but not a customer's paragraph.
    } else if (current) {
      if (isCoachQuestion(lex, line)) {
        turns.push(noteTurn(lex, line.trim()));
        current = undefined;
      } else {
        const more = line.replace(QUOTE, '');
        // After a line that only names the speaker (a header), the message starts here.
        current.text = current.text === '' ? more.trim() : `${current.text}\n${more}`;
      }
    } else {
      // Lines before the first speaker: context from the agent, or the customer's narration.
      const text = line.trim();
      if (isCoachQuestion(lex, text)) turns.push(noteTurn(lex, text));
      else if (actionsIn(lex, text).length > 0) turns.push(noteTurn(lex, text));
      else if (isNarration(lex, text)) turns.push({ role: 'customer', text, reported: true });
      else turns.push(noteTurn(lex, text));
    }
  });
  return turns;
}

function quotedTurns(lex: Lexicons, lines: string[]): Turn[] | undefined {
  if (!lines.some((l) => QUOTE.test(l))) return undefined;
  const turns: Turn[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    if (QUOTE.test(line)) {
      const text = line.replace(QUOTE, '');
      if (text.trim() !== '') turns.push({ role: 'customer', text });
    } else {
      const text = line.trim();
      if (isNarration(lex, text) && !isCoachQuestion(lex, text) && actionsIn(lex, text).length === 0) {
        turns.push({ role: 'customer', text, reported: true });
      } else turns.push(noteTurn(lex, text));
    }
  }
  return turns;
}

/** Reads pasted text. The text is already sanitised (sanitizeText). */
export function parseInput(lex: Lexicons, raw: string): ParsedInput {
  const notices: string[] = [];
  const text = stripChatMarkup(raw);
  let lines = text.split('\n');
  // A pasted e-mail first loses its headers, greeting, signature and quoted history:
  // the history's "> " lines are not the customer speaking now.
  const kind = emailKind(lines);
  if (kind) {
    const email = emailBody(lines, kind);
    if (email.body !== '') lines = email.body.split('\n');
    if (email.droppedHistory) notices.push('Quoted e-mail history was left out; only the newest message was read.');
  }
  const strict = lines.flatMap((line) => splitRunOnTurns(line));
  let turns = turnsOf(lex, strict);
  // A call run together in lower case ("me: hi how can I help guest: my room…") is split only
  // when the strict reading found no customer at all: inside a sentence, "the customer: …" is
  // as likely a quote as a new speaker.
  if (!turns.some((t) => t.role === 'customer')) {
    const lenient = lines.flatMap((line) => splitRunOnTurns(line, true));
    const retried = lenient.length > strict.length ? turnsOf(lex, lenient) : undefined;
    if (retried?.some((t) => t.role === 'customer')) turns = retried;
  }
  return { turns: mergeAdjacent(turns), notices };
}

function turnsOf(lex: Lexicons, lines: string[]): Turn[] {
  const turns = transcriptTurns(lex, lines) ?? quotedTurns(lex, lines);
  if (turns) return turns;
  const body = lines.join('\n').trim();
  return isNarration(lex, body) ? narrationTurns(lex, body) : [{ role: 'customer', text: body }];
}
