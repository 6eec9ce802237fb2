/**
 * `npm run package:teams`: writes the Teams app package (manifest.json, color.png,
 * outline.png) to dist/defuse-teams.zip, with the app and bot id from MicrosoftAppId and the
 * version from package.json. Upload it in Teams: Apps → Manage your apps → Upload an app.
 */
import { config as loadDotenv } from 'dotenv';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkManifest } from '../teams/package/manifest-check.ts';
import { colorIcon, outlineIcon } from '../teams/package/icons.ts';
import { zip } from '../teams/package/zip.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function buildTeamsPackage(appId: string, version: string): { zip: Buffer; manifest: unknown } {
  const template = JSON.parse(readFileSync(join(ROOT, 'manifest/teams/manifest.json'), 'utf8')) as { id: string; version: string; bots: { botId: string }[] };
  const manifest = { ...template, id: appId, version, bots: template.bots.map((b) => ({ ...b, botId: appId })) };
  const checked = checkManifest(manifest);
  if (!checked.ok) throw new Error(`manifest/teams/manifest.json is not valid:\n  - ${checked.problems.join('\n  - ')}`);
  const files = [
    { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
    { name: 'color.png', data: readFileSync(join(ROOT, 'manifest/teams/color.png')) },
    { name: 'outline.png', data: readFileSync(join(ROOT, 'manifest/teams/outline.png')) },
  ];
  return { zip: zip(files), manifest };
}

function main(): void {
  loadDotenv({ quiet: true });
  if (process.argv.includes('--icons')) {
    // Redraws the committed icons (src/teams/package/icons.ts).
    writeFileSync(join(ROOT, 'manifest/teams/color.png'), colorIcon());
    writeFileSync(join(ROOT, 'manifest/teams/outline.png'), outlineIcon());
    process.stdout.write('wrote manifest/teams/color.png and manifest/teams/outline.png\n');
    return;
  }
  const appId = process.env.MicrosoftAppId?.trim() ?? '';
  if (!GUID.test(appId)) {
    process.stderr.write('defuse: set MicrosoftAppId to your Azure Bot\'s app id (a GUID) in the environment or .env; the package needs it as the bot id.\n');
    process.exit(78);
  }
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const out = join(ROOT, 'dist/defuse-teams.zip');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, buildTeamsPackage(appId, version).zip);
  process.stdout.write(`wrote ${out} (app ${appId}, version ${version})\n`);
}

if (import.meta.main) main();
