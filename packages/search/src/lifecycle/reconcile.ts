import type { Article, ArticleChange } from '@archive/core';
import type { ChangeMark } from '../segments/segment-manifest';
import type { SegmentedIndex } from '../segments/segmented-index';
import { applyChange } from './change-records';

/** What the store holds for one article id: its current version, live or taken down. */
export interface StoredArticleState {
  id: string;
  version: number;
  removed: boolean;
}

/** One entry of the store's change log: a write of `version` of `id`, stamped `at`. */
export interface LoggedChange extends StoredArticleState {
  at: string;
}

/** The store's change log (locally: `@archive/store`'s change-log.ts). */
export interface ChangeLogSource {
  /** Changes when the store is made afresh: a mark of another epoch is not trusted. */
  epoch(): Promise<string>;
  /** Every entry logged at or after `since` (an entry may name a write that never committed). */
  since(since: string): AsyncIterable<LoggedChange>;
  /** What the store holds now for these ids: live articles and tombstones (unknown ones omitted). */
  read(ids: string[]): Promise<{ live: Article[]; removed: StoredArticleState[] }>;
}

/** The store, as reconciliation needs it. */
export interface ReconcileSource {
  /** Every id the store knows, live or tombstoned, with its current version (a full scan). */
  states(): AsyncIterable<StoredArticleState>;
  /** The current full articles for these ids (missing ones omitted). */
  load(ids: string[]): Promise<Article[]>;
  /** The change log, when the store keeps one: then a start reads only what changed since the mark. */
  changes?: ChangeLogSource;
}

export interface ReconcileReport {
  /** Articles (re)indexed because the snapshot lacked them or held an older version. */
  upserted: number;
  /** Takedowns the snapshot had missed. */
  removed: number;
  /** True when the snapshot disagreed in a way only a rebuild fixes (ahead of the store, extras). */
  rebuilt: boolean;
  /** `changes`: only the change log after the snapshot's mark was read; `scan`: the whole store. */
  mode: 'changes' | 'scan';
  /** Why the whole store was scanned although it keeps a change log (no mark, another store, …). */
  scanReason: string | null;
  /** Change-log entries read (`changes` mode). */
  changesRead: number;
  /** Full articles read from the store. */
  articlesRead: number;
}

type Remember = (change: ArticleChange) => void;

/**
 * Why the mark cannot be trusted against this log, or null when reconciling from it is sound.
 * A mark ahead of the clock by more than the margin is another machine's data dir, or a clock
 * stepped back since: changes stamped before the mark could then be missing.
 */
export function markProblem(
  mark: ChangeMark | null | undefined,
  epoch: string,
  nowMs: number,
  marginMs: number,
): string | null {
  if (!mark)
    return 'the index has no change-log mark (a new data dir, its first start with this build, or after a rollback)';
  if (mark.log !== epoch) return 'the index was built against another store (its change log differs)';
  const through = Date.parse(mark.through);
  if (Number.isNaN(through)) return `the index's mark is not an instant: ${mark.through}`;
  if (through > nowMs + marginMs) return `the index's mark ${mark.through} is ahead of the clock`;
  return null;
}

/**
 * Applies what the log holds after the mark: an entry the index already has at that version or a
 * newer one costs nothing; the others are read from the store (the item, not the entry, says what
 * committed) and applied. Resolves true when the index is ahead of the store (only a rebuild fixes it).
 */
export async function reconcileFromLog(
  index: SegmentedIndex,
  remember: Remember,
  log: ChangeLogSource,
  since: string,
  report: ReconcileReport,
  chunkSize: number,
): Promise<boolean> {
  let behind = new Set<string>();
  const catchUp = async (): Promise<boolean> => {
    const { live, removed } = await log.read([...behind]);
    behind = new Set();
    report.articlesRead += live.length;
    for (const state of [...removed, ...live])
      if ((index.versionOf(state.id) ?? 0) > state.version) return true;
    for (const state of removed) applyRemove(index, remember, state, report);
    for (const article of live) applyUpsert(index, remember, article, report);
    return false;
  };
  for await (const entry of log.since(since)) {
    report.changesRead++;
    const seen = index.versionOf(entry.id);
    if (seen !== undefined && seen >= entry.version) continue;
    behind.add(entry.id);
    if (behind.size >= chunkSize && (await catchUp())) return true;
  }
  return behind.size > 0 && (await catchUp());
}

/**
 * Walks every state of the store: indexes what the snapshot lacks or holds at an older version,
 * applies missed takedowns. Resolves true when the snapshot holds what the store does not (a newer
 * version, or articles the store no longer lists): only a rebuild fixes that.
 */
export async function reconcileByScan(
  index: SegmentedIndex,
  remember: Remember,
  source: ReconcileSource,
  report: ReconcileReport,
  chunkSize: number,
): Promise<boolean> {
  let live = 0;
  let stale: string[] = [];
  const loadStale = async () => {
    const loaded = await source.load(stale);
    report.articlesRead += loaded.length;
    // An id the store lists but cannot load (a quarantined item) is not live for the index.
    live -= stale.length - loaded.length;
    for (const article of loaded) applyUpsert(index, remember, article, report);
    stale = [];
  };
  for await (const state of source.states()) {
    const seen = index.versionOf(state.id);
    if (seen !== undefined && seen > state.version) return true; // the snapshot is ahead of the store
    if (state.removed) {
      applyRemove(index, remember, state, report);
      continue;
    }
    live++;
    if (seen !== state.version || !index.has(state.id)) stale.push(state.id);
    if (stale.length >= chunkSize) await loadStale();
  }
  await loadStale();
  // Every live article is now indexed; anything more is an article the store no longer has.
  return index.size !== live;
}

/** Every live article and tombstone of the store, loading full articles in chunks (a rebuild's input). */
export async function* scanStore(source: ReconcileSource, chunkSize: number) {
  let ids: string[] = [];
  for await (const state of source.states()) {
    if (state.removed) yield { id: state.id, version: state.version, removed: true as const };
    else ids.push(state.id);
    if (ids.length >= chunkSize) {
      yield* await source.load(ids);
      ids = [];
    }
  }
  if (ids.length > 0) yield* await source.load(ids);
}

function applyUpsert(index: SegmentedIndex, remember: Remember, article: Article, report: ReconcileReport) {
  const change: ArticleChange = { kind: 'upsert', id: article.id, version: article.version, article };
  if (applyChange(index, change)) {
    remember(change);
    report.upserted++;
  }
}

function applyRemove(
  index: SegmentedIndex,
  remember: Remember,
  state: StoredArticleState,
  report: ReconcileReport,
) {
  const change: ArticleChange = { kind: 'remove', id: state.id, version: state.version };
  const wasLive = index.has(state.id);
  if (applyChange(index, change)) {
    remember(change);
    if (wasLive) report.removed++;
  }
}
