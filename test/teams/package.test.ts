import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildTeamsPackage } from '../../src/cli/package-teams.ts';
import { checkManifest } from '../../src/teams/package/manifest-check.ts';
import { colorIcon, outlineIcon } from '../../src/teams/package/icons.ts';
import { pngSize } from '../../src/teams/package/png.ts';

/** Reads a ZIP's entries through its central directory, as an unzip tool would. */
function unzip(buf: Buffer): Map<string, Buffer> {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(end + 10);
  let p = buf.readUInt32LE(end + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(p)).toBe(0x02014b50);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    out.set(name, inflateRawSync(buf.subarray(dataAt, dataAt + size)));
    p += 46 + nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return out;
}

describe('Teams app package', () => {
  it('ships a manifest with every field the Teams schema requires, and the commands', () => {
    const manifest = JSON.parse(readFileSync('manifest/teams/manifest.json', 'utf8'));
    const r = checkManifest(manifest);
    expect(r.ok ? [] : r.problems).toEqual([]);
    expect(manifest.bots[0].scopes).toEqual(['personal', 'team', 'groupChat']);
    expect(manifest.bots[0].commandLists[0].commands.map((c: { title: string }) => c.title)).toEqual(['coach', 'review', 'drill', 'help', 'mute', 'unmute', 'supervise']);
    // The checker itself refuses what Teams would refuse.
    const broken = { ...manifest, id: 'not-a-guid', name: { short: 'A name far longer than thirty characters' } };
    delete broken.accentColor;
    const bad = checkManifest(broken);
    expect(bad.ok).toBe(false);
    expect(bad.ok ? [] : bad.problems.join('\n')).toMatch(/id: must be a GUID[\s\S]*name\.short[\s\S]*accentColor/);
  });

  it('has icons of the sizes Teams asks for, drawn by the project, the outline white on transparent', () => {
    expect(pngSize(readFileSync('manifest/teams/color.png'))).toEqual({ width: 192, height: 192 });
    expect(pngSize(readFileSync('manifest/teams/outline.png'))).toEqual({ width: 32, height: 32 });
    // The committed files are exactly what the drawing code makes.
    expect(colorIcon().equals(readFileSync('manifest/teams/color.png'))).toBe(true);
    expect(outlineIcon().equals(readFileSync('manifest/teams/outline.png'))).toBe(true);
  });

  it('zips the manifest with the bot id and version filled in, and the two icons', () => {
    const appId = '12345678-90ab-cdef-1234-567890abcdef';
    const { zip } = buildTeamsPackage(appId, '2.3.4');
    const files = unzip(zip);
    expect([...files.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const m = JSON.parse(files.get('manifest.json')!.toString('utf8'));
    expect(m).toMatchObject({ id: appId, version: '2.3.4', bots: [{ botId: appId }] });
    expect(files.get('color.png')!.equals(readFileSync('manifest/teams/color.png'))).toBe(true);
  });

  it('npm run package:teams refuses to build without an app id, naming the variable', () => {
    const r = spawnSync(process.execPath, ['src/cli/package-teams.ts'], { env: { PATH: process.env.PATH ?? '', MicrosoftAppId: '' }, encoding: 'utf8', cwd: process.cwd() });
    expect(r.status).toBe(78);
    expect(r.stderr).toContain('MicrosoftAppId');
  });
});
