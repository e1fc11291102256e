import { randomUUID } from 'node:crypto';
import * as z from 'zod';

/**
 * The objects of the segmented index in the blob store (docs/INDEX-LIFECYCLE.md):
 *
 * - `segments/<partition>/<created ms, base 36>-<random>.seg`: one immutable segment, a prebuilt
 *   index over some articles (the snapshot codec around one `ArchiveIndex`).
 * - `states/<version, 12 digits>-<created ms, base 36>-<random>.json`: one immutable index state,
 *   which segments are live in which partition and which articles each no longer counts (delete
 *   markers).
 * - `retired/<created ms, base 36>-<random>.json`: one immutable retirement record, the segments a
 *   publication stopped referencing (a merge, a rebuild, a rollback) and when; written before the
 *   compare-and-swap that retires them, found by listing the prefix, so a state's size does not
 *   depend on how many merges the grace period holds (collect-garbage.ts).
 * - `manifest.json`: the pointer, replaced only by compare-and-swap: the current state's key and
 *   the previous ones kept for rollback. Readers poll it with a conditional read (a 304 when
 *   nothing changed), so it is kept small; the state it names is fetched once per publication.
 */
export const SEGMENT_PREFIX = 'segments/';
export const STATE_PREFIX = 'states/';
export const RETIRED_PREFIX = 'retired/';

const segmentEntrySchema = z.object({
  key: z.string().startsWith(SEGMENT_PREFIX),
  /** Articles stored in the segment (live or not), and its stored bytes. */
  docs: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  /** Ids of stored articles it no longer counts (updated or taken down since it was written). */
  deleted: z.array(z.string()),
  /** Publication instants (epoch ms) of its earliest and latest article; null when it holds none. */
  firstMs: z.number().nullable(),
  lastMs: z.number().nullable(),
});

const partitionEntrySchema = z.object({
  id: z.string().regex(/^p\d{4,}$/),
  startMs: z.number().nullable(),
  segments: z.array(segmentEntrySchema),
});

const stateSchema = z.object({
  format: z.literal(1),
  partitions: z.array(partitionEntrySchema).min(1),
  /**
   * Segments dropped by a merge and when (epoch ms), as states of earlier builds listed them (every
   * one retired in the grace period: thousands under a bulk import). Retirements are now records
   * under `retired/`; this build only carries an earlier build's entries until their grace period
   * is over, so that an upgraded store still protects them, and writes it empty otherwise (which
   * an earlier build also reads).
   */
  retired: z.array(z.object({ key: z.string(), at: z.number() })),
});

const retiredRecordSchema = z.object({
  format: z.literal(1),
  /** When the publication that retires them was taken (epoch ms; the key carries it too). */
  at: z.number(),
  /** The version that publication was to become (informative: it may have lost its swap). */
  version: z.number().int().nonnegative(),
  keys: z.array(z.string()).min(1),
});

const stateRefSchema = z.object({
  version: z.number().int().positive(),
  stateKey: z.string().startsWith(STATE_PREFIX),
  createdAt: z.string(),
  articleCount: z.number().int().nonnegative(),
});

/**
 * Where a store's change log stands against this publication (the local indexer's mark): every
 * change logged at or before `through` in the log of epoch `log` is in it. Absent or null: unknown
 * (an earlier build, the search function on AWS, a rollback), so a local start scans the store.
 */
const changeMarkSchema = z.object({ log: z.string().min(1), through: z.string() });

const segmentManifestSchema = stateRefSchema.extend({
  format: z.literal(2),
  definitionFingerprint: z.string(),
  highWatermark: z.string().nullable(),
  changeMark: changeMarkSchema.nullable().optional(),
  /** The publications before this one, newest first, kept for rollback. */
  previous: z.array(stateRefSchema),
});

export type SegmentEntry = z.infer<typeof segmentEntrySchema>;
export type PartitionEntry = z.infer<typeof partitionEntrySchema>;
export type IndexStateFile = z.infer<typeof stateSchema>;
export type StateRef = z.infer<typeof stateRefSchema>;
export type SegmentManifest = z.infer<typeof segmentManifestSchema>;
export type ChangeMark = z.infer<typeof changeMarkSchema>;
export type RetiredRecord = z.infer<typeof retiredRecordSchema>;

/** The manifest's format: 1 is the whole-snapshot pointer of earlier builds (converted on load). */
export function manifestFormat(bytes: Uint8Array): number | null {
  try {
    const format = (JSON.parse(new TextDecoder().decode(bytes)) as { format?: unknown }).format;
    return typeof format === 'number' ? format : null;
  } catch {
    return null;
  }
}

export function encodeSegmentManifest(manifest: SegmentManifest): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(manifest));
}

export function decodeSegmentManifest(bytes: Uint8Array): SegmentManifest {
  return segmentManifestSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
}

export function encodeState(state: IndexStateFile): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(state));
}

export function decodeState(bytes: Uint8Array): IndexStateFile {
  return stateSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
}

export function encodeRetiredRecord(record: RetiredRecord): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(record));
}

export function decodeRetiredRecord(bytes: Uint8Array): RetiredRecord {
  return retiredRecordSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
}

export function refOfManifest(manifest: SegmentManifest): StateRef {
  return {
    version: manifest.version,
    stateKey: manifest.stateKey,
    createdAt: manifest.createdAt,
    articleCount: manifest.articleCount,
  };
}

/** A fresh key for a segment of `partition` written at `nowMs`: never reused, sortable by time. */
export function newSegmentKey(partition: string, nowMs: number): string {
  return `${SEGMENT_PREFIX}${partition}/${stamp(nowMs)}-${randomUUID().slice(0, 8)}.seg`;
}

/** A fresh key for the state of publication `version`. */
export function newStateKey(version: number, nowMs: number): string {
  return `${STATE_PREFIX}${String(version).padStart(12, '0')}-${stamp(nowMs)}-${randomUUID().slice(0, 8)}.json`;
}

/** A fresh key for a retirement record taken at `nowMs`. */
export function newRetiredKey(nowMs: number): string {
  return `${RETIRED_PREFIX}${stamp(nowMs)}-${randomUUID().slice(0, 8)}.json`;
}

/**
 * When a segment, state or retirement-record key was made (epoch ms), or null for a key this build
 * did not make.
 */
export function createdMsOfKey(key: string): number | null {
  const match =
    /(?:^segments\/p\d+\/|^states\/\d{12}-|^retired\/)([0-9a-z]{9})-[0-9a-f]{8}\.(?:seg|json)$/.exec(key);
  return match?.[1] ? Number.parseInt(match[1], 36) : null;
}

/** The publication version in a state key, or null. */
export function versionOfStateKey(key: string): number | null {
  const match = /^states\/(\d{12})-/.exec(key);
  return match?.[1] ? Number(match[1]) : null;
}

/** Every segment key a state references. */
export function segmentKeysOf(state: IndexStateFile): string[] {
  return state.partitions.flatMap((p) => p.segments.map((s) => s.key));
}

/** The segments `before` references and `after` does not: what a publication retires. */
export function retiredBetween(before: IndexStateFile, after: IndexStateFile): string[] {
  const kept = new Set(segmentKeysOf(after));
  return segmentKeysOf(before).filter((key) => !kept.has(key));
}

/** Live articles a state counts. */
export function liveCountOf(state: IndexStateFile): number {
  let n = 0;
  for (const p of state.partitions) for (const s of p.segments) n += s.docs - s.deleted.length;
  return n;
}

function stamp(ms: number): string {
  return Math.max(0, Math.floor(ms)).toString(36).padStart(9, '0');
}
