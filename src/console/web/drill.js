// @ts-check
/** A drill in the browser: the customer's lines, the agent's replies, the scorecard. */
import { api, byId, el, present, say } from './common.js';

export async function startDrillPanel() {
  const select = /** @type {HTMLSelectElement} */ (byId('drill-scenario'));
  const status = byId('drill-status');
  const log = byId('drill-log');
  const replyForm = /** @type {HTMLFormElement} */ (byId('drill-reply-form'));
  const reply = /** @type {HTMLTextAreaElement} */ (byId('drill-reply'));
  /** @type {string | undefined} */
  let drillId;
  try {
    const { scenarios } = await api('/drill/scenarios');
    select.append(...scenarios.map((/** @type {{ id: string, title: string }} */ s) => el('option', { value: s.id }, [s.title])));
  } catch (err) {
    say(status, /** @type {Error} */ (err).message, 'error');
  }

  /** @param {string} who @param {string} text @param {string} [mood] */
  const line = (who, text, mood) => log.append(el('li', { class: who === 'You' ? 'turn agent' : 'turn customer' }, [el('span', { class: 'who' }, [mood ? `${who} (${mood})` : who]), el('p', {}, [text])]));

  byId('drill-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const difficulty = /** @type {HTMLSelectElement} */ (byId('drill-difficulty')).value;
    try {
      const r = await api('/drill/start', { ...(select.value ? { scenario: select.value } : {}), difficulty });
      drillId = r.drillId;
      log.replaceChildren();
      byId('drill-intro').replaceChildren(el('p', {}, [r.intro.header]), el('p', {}, [r.intro.situation]), el('p', {}, [r.intro.footer]));
      line(r.persona, r.opening.text, r.opening.mood);
      replyForm.hidden = false;
      byId('drill-scorecard').replaceChildren();
      say(status, '');
      reply.focus();
    } catch (err) {
      say(status, /** @type {Error} */ (err).message, 'error');
    }
  });

  replyForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = reply.value.trim();
    if (!text || !drillId) return;
    try {
      const r = await api('/drill/reply', { drillId, text });
      line('You', text);
      reply.value = '';
      line('Customer', r.line.text, r.mood);
      if (r.scorecard) {
        replyForm.hidden = true;
        drillId = undefined;
        const s = r.scorecardText;
        byId('drill-scorecard').replaceChildren(...present(
          el('h3', {}, [s.title]),
          el('ul', {}, s.skills.map((/** @type {string} */ k) => el('li', {}, [k]))),
          s.best ? el('p', {}, [s.best]) : null,
          s.weakest ? el('p', {}, [s.weakest]) : null,
          el('p', {}, [s.ideal]),
        ));
      }
    } catch (err) {
      say(status, /** @type {Error} */ (err).message, 'error');
    }
  });

  byId('drill-stop').addEventListener('click', async () => {
    if (!drillId) return;
    await api('/drill/stop', { drillId }).catch(() => undefined);
    drillId = undefined;
    replyForm.hidden = true;
    say(status, 'Drill stopped. No score was recorded.');
  });
}
