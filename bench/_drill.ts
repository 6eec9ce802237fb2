import { loadContent } from '../src/content/load-content.ts';
import { loadDrills } from '../src/content/load-drills.ts';
import { compileLexicons } from '../src/core/analysis/lexicon.ts';
import { startDrill, replyToDrill } from '../src/core/drill/drill-engine.ts';
import { scoreDrill } from '../src/core/drill/scorecard.ts';
const content = loadContent(); const catalog = loadDrills(); const lexicons = compileLexicons(content);
const deps = { content, catalog, lexicons };
const [scen, diff, ...replies] = process.argv.slice(2);
let st = startDrill(deps, scen!, diff as 'normal', 42);
console.log('C:', st.customer[0]!.text, `[${st.heat} ${st.stage}]`);
for (const r of replies) {
  const t = replyToDrill(deps, st, r); st = t.state;
  console.log('A:', r); console.log('   ', JSON.stringify(t.state.replies.at(-1)!.behaviours), t.state.replies.at(-1)!.moves, t.state.replies.at(-1)!.remedy?.id, 'delta', t.change.delta, JSON.stringify(t.change.effects));
  console.log('C:', t.line.text, `[${st.heat} ${st.stage} ${t.line.mood}]`, t.ended ? 'END ' + st.outcome : '');
  if (t.ended) break;
}
console.log(JSON.stringify(scoreDrill(content, catalog.scenarios.get(scen!)!, st), null, 1));
