import * as z from 'zod';

/**
 * The manifest of earlier builds (format 1): a pointer naming one whole snapshot blob. Read only
 * to convert such an index to segments (segments/segment-store.ts); the current format is
 * segments/segment-manifest.ts, under the same key.
 */
export const MANIFEST_KEY = 'manifest.json';
export const SNAPSHOT_PREFIX = 'snapshots/';

const snapshotRefSchema = z.object({
  /** Publication sequence number: +1 per successful swap (a rollback is a publication too). */
  version: z.number().int().positive(),
  snapshotKey: z.string().startsWith(SNAPSHOT_PREFIX),
  createdAt: z.string(),
  articleCount: z.number().int().nonnegative(),
});

const manifestSchema = snapshotRefSchema.extend({
  format: z.literal(1),
  definitionFingerprint: z.string(),
  /** Latest change time applied (article `updatedAt` or the stream record's time), if known. */
  highWatermark: z.string().nullable(),
  /** The publications before this one, newest first, kept for rollback. */
  previous: z.array(snapshotRefSchema),
});

export type Manifest = z.infer<typeof manifestSchema>;

export function encodeManifest(manifest: Manifest): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
}

export function decodeManifest(bytes: Uint8Array): Manifest {
  return manifestSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
}
