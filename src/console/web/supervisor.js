// @ts-check
/** The supervisor view: open escalations, active cases, step counts, opted-in drill results; live. */
import { api, byId, el, say } from './common.js';

const status = byId('status');

/** @param {number} s */
function age(s) {
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 129600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

async function refresh() {
  try {
    const s = await api('/supervisor/state');
    render(s);
    byId('updated').textContent = `Updated ${new Date(s.at).toLocaleTimeString()}`;
  } catch (err) {
    say(status, /** @type {Error} */ (err).message, 'error');
  }
}

/** @param {any} s */
function render(s) {
  const esc = byId('escalations');
  esc.replaceChildren(
    ...(s.escalations.length === 0
      ? [el('p', {}, ['No open escalations.'])]
      : s.escalations.map((/** @type {any} */ e) =>
          el('article', { class: `escalation ${e.acknowledgedBy ? 'taken' : 'open'}`, 'data-case': e.caseId }, [
            el('h3', {}, [e.reasons.map((/** @type {{ text: string }} */ r) => r.text).join(' · ')]),
            el('p', {}, [`${e.channel} case · waiting ${age(e.ageSeconds)}`]),
            el('p', { class: 'summary' }, [e.summary]),
            el('p', { class: 'trajectory', 'aria-label': 'Emotion over the case' }, [e.trajectory.map((/** @type {{ emotion: string, intensity: number }} */ t) => `${t.emotion} ${Math.round(t.intensity * 100)}%`).join(' → ') || 'no reading yet']),
            e.acknowledgedBy
              ? el('p', { class: 'ack' }, [`Taken by ${e.acknowledgedBy} at ${new Date(e.acknowledgedAt).toLocaleTimeString()}`])
              : el('button', { type: 'button', class: 'take', 'data-case': e.caseId }, ["I'm on it"]),
          ]),
        )),
  );

  const stages = Object.entries(s.active.byStage);
  byId('active').replaceChildren(
    el('p', {}, [`${s.active.total} case${s.active.total === 1 ? '' : 's'} active in the last hour`]),
    el('table', {}, [
      el('caption', {}, ['Active cases by stage and emotion']),
      el('thead', {}, [el('tr', {}, [el('th', { scope: 'col' }, ['Stage']), el('th', { scope: 'col' }, ['Emotions'])])]),
      el('tbody', {}, stages.map(([stage, emotions]) => el('tr', {}, [el('th', { scope: 'row' }, [stage]), el('td', {}, [Object.entries(/** @type {Record<string, number>} */ (emotions)).map(([e, n]) => `${e} ${n}`).join(', ') || '–'])]))),
    ]),
  );

  byId('steps').replaceChildren(
    el('table', {}, [
      el('caption', {}, ['Next steps recommended']),
      el('thead', {}, [el('tr', {}, [el('th', { scope: 'col' }, ['Step']), el('th', { scope: 'col' }, ['Last day']), el('th', { scope: 'col' }, ['Last week'])])]),
      el('tbody', {}, s.steps.map((/** @type {any} */ x) => el('tr', {}, [el('th', { scope: 'row' }, [x.title]), el('td', {}, [String(x.day)]), el('td', {}, [String(x.week)])]))),
    ]),
  );

  byId('drills').replaceChildren(
    s.drills.length === 0
      ? el('p', {}, ['No drill results from agents who chose to share them this week.'])
      : el('ul', {}, s.drills.map((/** @type {any} */ d) => el('li', {}, [`${d.who}: ${d.scenario} (${d.difficulty}) ${d.score}/100`]))),
  );
}

byId('escalations').addEventListener('click', async (e) => {
  const button = /** @type {HTMLElement} */ (e.target).closest('button.take');
  if (!button) return;
  button.setAttribute('disabled', '');
  try {
    const r = await api('/supervisor/ack', { caseId: button.getAttribute('data-case') });
    if (!r.took) say(status, 'Someone else already took this case.');
    await refresh();
  } catch (err) {
    say(status, /** @type {Error} */ (err).message, 'error');
    button.removeAttribute('disabled');
  }
});

const events = new EventSource('/console/events');
events.addEventListener('change', () => void refresh());
events.addEventListener('tick', () => void refresh());
events.addEventListener('open', () => byId('live').textContent = 'Live');
events.addEventListener('error', () => byId('live').textContent = 'Reconnecting…');
void refresh();
