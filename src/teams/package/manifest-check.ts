/**
 * The Teams app manifest's required fields and limits (from the manifest schema), checked
 * before a package is written, so a bad manifest fails here and not in Teams' upload dialog.
 */
import { z } from 'zod';

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const https = z.string().regex(/^https:\/\//, 'must be an https URL').max(2048);
const SCOPES = z.enum(['personal', 'team', 'groupChat']);

export const TeamsManifestSchema = z.object({
  $schema: z.string().regex(/json-schemas\/teams\/v1\.\d+\/MicrosoftTeams\.schema\.json$/),
  manifestVersion: z.string().regex(/^1\.\d+$/),
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a version like 1.0.0'),
  id: z.string().regex(GUID, 'must be a GUID'),
  developer: z.object({ name: z.string().min(1).max(32), websiteUrl: https, privacyUrl: https, termsOfUseUrl: https }),
  name: z.object({ short: z.string().min(1).max(30), full: z.string().max(100).optional() }),
  description: z.object({ short: z.string().min(1).max(80), full: z.string().min(1).max(4000) }),
  icons: z.object({ color: z.string().min(1), outline: z.string().min(1) }),
  accentColor: z.string().regex(/^#[0-9a-fA-F]{6}$/),
  bots: z
    .array(
      z.object({
        botId: z.string().regex(GUID, 'must be the Azure Bot app id (a GUID)'),
        scopes: z.array(SCOPES).min(1),
        supportsFiles: z.boolean().optional(),
        isNotificationOnly: z.boolean().optional(),
        commandLists: z
          .array(z.object({ scopes: z.array(SCOPES).min(1), commands: z.array(z.object({ title: z.string().min(1).max(32), description: z.string().min(1).max(128) })).min(1).max(10) }))
          .max(3)
          .optional(),
      }),
    )
    .length(1),
  permissions: z.array(z.enum(['identity', 'messageTeamMembers'])).optional(),
  validDomains: z.array(z.string()).optional(),
});

export type TeamsManifest = z.infer<typeof TeamsManifestSchema>;

export function checkManifest(json: unknown): { ok: true; manifest: TeamsManifest } | { ok: false; problems: string[] } {
  const r = TeamsManifestSchema.safeParse(json);
  if (r.success) return { ok: true, manifest: r.data };
  return { ok: false, problems: r.error.issues.map((i) => `${i.path.join('.') || 'manifest'}: ${i.message}`) };
}
