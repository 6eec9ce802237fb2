// @ts-check
/** The "try it" page: coach a case turn by turn, copy a wording, review a draft. */
import { api, byId, el, findPhrases, marked, present, say } from './common.js';
import { startDrillPanel } from './drill.js';

/** @type {string | undefined} */
let caseId;

const form = /** @type {HTMLFormElement} */ (byId('coach-form'));
const input = /** @type {HTMLTextAreaElement} */ (byId('coach-text'));
const status = byId('coach-status');
const result = byId('advice');
const conversation = byId('conversation');
const caseLabel = byId('case-label');

const EMOTION_WORD = /** @type {Record<string, string>} */ ({ calm: 'Calm', confused: 'Confused', anxious: 'Anxious', frustrated: 'Frustrated', angry: 'Angry', hostile: 'Hostile' });

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const text = input.value.trim();
  if (!text) return say(status, 'Paste what the customer said first.', 'error');
  say(status, 'Reading the case…');
  try {
    const r = await api('/coach', caseId ? { text, caseId } : { text });
    caseId = r.caseId;
    input.value = '';
    say(status, '');
    caseLabel.textContent = `Case turn ${r.advice.turnsRead.customer}: add the customer's next message to continue it.`;
    renderConversation(r.turns, r.advice.cues);
    renderAdvice(r.advice);
    byId('advice-heading').focus();
  } catch (err) {
    say(status, /** @type {Error} */ (err).message, 'error');
  }
});

byId('new-case').addEventListener('click', () => {
  caseId = undefined;
  conversation.replaceChildren();
  result.replaceChildren();
  result.hidden = true;
  caseLabel.textContent = 'A new case starts with the next message.';
  input.focus();
});

/**
 * @param {{ role: string, text: string }[]} turns
 * @param {{ text: string, label: string, signal: string }[]} cues
 */
function renderConversation(turns, cues) {
  const phrases = cues.map((c) => ({ text: c.text, className: 'cue', title: `${c.signal}: ${c.label}` }));
  conversation.replaceChildren(
    ...turns
      .filter((t) => t.role !== 'note' || !/^next message in the case$/.test(t.text))
      .map((t) => el('li', { class: `turn ${t.role}` }, [el('span', { class: 'who' }, [t.role === 'customer' ? 'Customer' : t.role === 'agent' ? 'You' : 'Note']), el('p', {}, t.role === 'customer' ? marked(t.text, findPhrases(t.text, phrases)) : [t.text])])),
  );
}

/** @param {any} a the Advice */
function renderAdvice(a) {
  result.hidden = false;
  const pct = Math.round(a.intensity * 100);
  const copyButtons = a.say.map((/** @type {{ id: string, text: string }} */ w, /** @type {number} */ i) =>
    el('li', { class: 'wording' }, [
      el('p', { id: `wording-${i}` }, [w.text]),
      el('button', { type: 'button', class: 'copy', 'data-text': w.text, 'aria-describedby': `wording-${i}` }, ['Copy']),
    ]),
  );
  result.replaceChildren(...present(
    el('h2', { id: 'advice-heading', tabindex: '-1' }, ['What to do now']),
    el('div', { class: 'reading' }, [
      el('p', { class: `emotion ${a.emotion}` }, [el('strong', {}, [EMOTION_WORD[a.emotion] ?? a.emotion]), ` · intensity ${pct}%`]),
      el('meter', { min: '0', max: '100', value: String(pct), 'aria-label': `Intensity ${pct} percent` }),
      el('p', {}, [el('strong', {}, ['Stage: ']), a.stage, a.trend.direction ? ` · trend ${a.trend.direction}` : '']),
      a.flags.length ? el('p', { class: 'flags' }, [el('strong', {}, ['Flags: ']), a.flags.join(', ')]) : null,
    ]),
    el('h3', {}, [`Next step: ${a.stepTitle}`]),
    el('p', { class: 'why' }, [a.why]),
    el('h3', {}, ['Say']),
    el('ul', { class: 'wordings' }, copyButtons),
    el('h3', {}, ['Avoid']),
    el('ul', {}, a.avoid.map((/** @type {string} */ x) => el('li', {}, [x]))),
    a.escalate.notify ? el('p', { class: 'escalate', role: 'alert' }, ['Supervisor needed: ', a.escalate.reasons.map((/** @type {{ text: string }} */ r) => r.text).join('; ')]) : null,
    a.selfCare ? el('p', { class: 'selfcare' }, [a.selfCare]) : null,
    el('h3', {}, ['Why: what the customer said']),
    el('ul', { class: 'cues' }, uniqueCues(a.cues).slice(0, 8).map((/** @type {{ text: string, signal: string, label: string }} */ c) => el('li', {}, [el('mark', { class: 'cue' }, [c.text]), ` → ${c.signal}: ${c.label}`]))),
    el('p', { class: 'sources' }, [el('strong', {}, ['Guidance: ']), a.sources.map((/** @type {{ file: string, title: string, section: string }} */ s) => `${s.title}, "${s.section}" (${s.file})`).join('; ')]),
    el('p', { class: 'source' }, [`Read by: ${a.source === 'offline' ? 'the offline engine' : a.source === 'llm' ? 'the model' : 'the offline engine and the model'}`]),
    ...a.notices.map((/** @type {string} */ n) => el('p', { class: 'notice' }, [n])),
  ));
}

/**
 * One line per phrase and what it signalled: a phrase counted for two turns reads once.
 * @param {{ text: string, signal: string, label: string }[]} cues
 */
function uniqueCues(cues) {
  const seen = new Set();
  return cues.filter((c) => {
    const key = `${c.text.toLowerCase()}|${c.signal}|${c.label}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

result.addEventListener('click', async (e) => {
  const button = /** @type {HTMLElement} */ (e.target).closest('button.copy');
  if (!button) return;
  const text = button.getAttribute('data-text') ?? '';
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Select and copy';
  }
  setTimeout(() => (button.textContent = 'Copy'), 2000);
});

const reviewForm = /** @type {HTMLFormElement} */ (byId('review-form'));
reviewForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const draft = /** @type {HTMLTextAreaElement} */ (byId('review-draft')).value.trim();
  const context = /** @type {HTMLTextAreaElement} */ (byId('review-context')).value.trim();
  const out = byId('review');
  const rstatus = byId('review-status');
  if (!draft) return say(rstatus, 'Write the reply you are about to send first.', 'error');
  try {
    const r = await api('/review', context ? { draft, context } : { draft });
    say(rstatus, '');
    /** @type {{ start: number, end: number, className: string, title: string }[]} */
    const ranges = [];
    for (const f of r.review.findings) for (const s of f.spans) ranges.push({ start: s.start, end: s.end, className: f.kind, title: f.id });
    out.hidden = false;
    out.replaceChildren(
      el('h2', {}, ['Your draft']),
      el('p', { class: 'draft' }, marked(r.draft, ranges)),
      el('p', {}, [r.review.summary]),
      el(
        'ul',
        { class: 'findings' },
        r.review.findings.map((/** @type {any} */ f) =>
          el('li', { class: f.kind }, [el('strong', {}, [`${f.kind === 'harmful' ? 'Harmful' : 'Helpful'}: ${f.id}`]), f.tip ? ` ${f.tip}` : '', f.better ? el('p', { class: 'better' }, [`Try instead: ${f.better}`]) : null]),
        ),
      ),
    );
  } catch (err) {
    say(rstatus, /** @type {Error} */ (err).message, 'error');
  }
});

startDrillPanel();
