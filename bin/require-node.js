// Plain JavaScript on purpose: it must run, and say something useful, on the old Node it is
// checking for. An older Node fails on Defuse's TypeScript sources with a bare
// ERR_UNKNOWN_FILE_EXTENSION or a missing export, which tells a newcomer nothing.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * The oldest Node that strips types from the sources: package.json `engines` (">=24.15"), the
 * one place it is written, so this check and npm's engine-strict install never disagree.
 */
const REQUIRED = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  .engines.node.replace(/^>=\s*/, '')
  .split('.')
  .map(Number);

/** Why this Node cannot run Defuse, or null when it can. */
export function nodeProblem(version) {
  const [major, minor] = String(version).split('.').map((n) => Number.parseInt(n, 10));
  if (major > REQUIRED[0] || (major === REQUIRED[0] && minor >= REQUIRED[1])) return null;
  return `Defuse needs Node.js ${REQUIRED.join('.')} or newer; this is Node.js ${version}. Install Node ${REQUIRED[0]} (\`nvm use\` reads .nvmrc) and run it again.`;
}

/** Exits with the reason when this Node is too old; used before anything else is loaded. */
export function requireNode() {
  const problem = nodeProblem(process.versions.node);
  if (problem === null) return;
  process.stderr.write(`defuse: ${problem}\n`);
  process.exit(1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) requireNode();
