/**
 * The Node version check that bin/defuse and `npm start`/`npm test` run first, so that an old
 * Node says what to install instead of failing on a .ts file.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { nodeProblem } from '../../bin/require-node.js';

const repoRoot = new URL('../../', import.meta.url).pathname;

describe('nodeProblem', () => {
  it('turns away Node 20 and 24 before 24.15, naming both versions and the fix', () => {
    for (const old of ['20.20.2', '22.12.0', '24.9.1', '24.14.0']) {
      const problem = nodeProblem(old);
      expect(problem).toContain('Node.js 24.15 or newer');
      expect(problem).toContain(`this is Node.js ${old}`);
      expect(problem).toContain('nvm use');
    }
  });

  it('accepts 24.15 and every later release', () => {
    for (const ok of ['24.15.0', '24.19.2', '25.0.0', '26.1.3']) expect(nodeProblem(ok)).toBeNull();
  });
});

describe('bin/require-node.js run by itself', () => {
  it('exits 0 silently on the Node that runs the tests', () => {
    const r = spawnSync(process.execPath, ['bin/require-node.js'], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });
});
