/**
 * The analysis thread's side: the same offline analyser the service would run on its event
 * loop, built from the same prompts/, answering each batch of readings with one message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadContent } from '../content/load-content.ts';
import { OfflineAnalyser } from '../core/offline-analyser.ts';
import { READY, type AnalysisReply, type AnalysisRequest } from './protocol.ts';

const { promptsDir } = workerData as { promptsDir: string | undefined };
const analyser = new OfflineAnalyser(loadContent(promptsDir));
const port = parentPort!;

function answer(req: AnalysisRequest): AnalysisReply {
  try {
    const context = { ...(req.caseId !== undefined ? { caseId: req.caseId } : {}), shownWordings: new Set(req.shown), notices: req.notices };
    return { id: req.id, advice: analyser.analyseSync(req.turns, context) };
  } catch (err) {
    return { id: req.id, error: (err as Error).message };
  }
}

port.on('message', (batch: string) => {
  port.postMessage(JSON.stringify((JSON.parse(batch) as AnalysisRequest[]).map(answer)));
});
port.postMessage(READY);
