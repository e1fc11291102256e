import { randomUUID } from 'node:crypto';
import * as z from 'zod';

/**
 * The manifest is the one mutable object of the index life cycle: a small JSON pointer naming
 * the current immutable snapshot blob, replaced only by compare-and-swap.
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

export type SnapshotRef = z.infer<typeof snapshotRefSchema>;
export type Manifest = z.infer<typeof manifestSchema>;

export function encodeManifest(manifest: Manifest): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
}

export function decodeManifest(bytes: Uint8Array): Manifest {
  return manifestSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
}

/**
 * A fresh, never-reused key for the snapshot of publication `version`. The random part keeps two
 * racing indexers (both aiming at the same next version) from overwriting each other's blob.
 */
export function newSnapshotKey(version: number): string {
  return `${SNAPSHOT_PREFIX}${String(version).padStart(12, '0')}-${randomUUID().slice(0, 8)}.snap`;
}

/** The publication version encoded in a snapshot key, or null for a foreign key. */
export function versionOfSnapshotKey(key: string): number | null {
  const match = /^snapshots\/(\d{12})-[0-9a-f]{8}\.snap$/.exec(key);
  return match?.[1] ? Number(match[1]) : null;
}

export function refOf(manifest: Manifest): SnapshotRef {
  return {
    version: manifest.version,
    snapshotKey: manifest.snapshotKey,
    createdAt: manifest.createdAt,
    articleCount: manifest.articleCount,
  };
}
