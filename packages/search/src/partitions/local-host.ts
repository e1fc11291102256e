import type { ArchiveIndex } from '../documents/archive-index';
import type { SearchHit } from '../documents/search-types';
import { addWordCounts, type WordCounts } from '../query/relax';
import { spellcheckBudget } from '../query/suggest';
import { addTermStats } from './merge';
import {
  describePartition,
  partitionBonuses,
  partitionFeedback,
  partitionTermStats,
  partitionWordCounts,
  renderPartitionHits,
  searchPartition,
  surfaceFormsIn,
} from './partition-engine';
import type {
  BonusRequest,
  FeedbackCandidate,
  PartitionInfo,
  PartitionQuery,
  PartitionResult,
  RenderRequest,
  SyncPartitionHost,
  TermLookup,
  TermStats,
} from './protocol';

/**
 * Partitions held in this thread, answering synchronously: what `PartitionedIndex` queries, and
 * what a worker thread serves (worker-host.ts).
 */
export class LocalPartitionHost implements SyncPartitionHost {
  constructor(private readonly partitions: ReadonlyMap<string, ArchiveIndex>) {}

  private index(key: string): ArchiveIndex {
    const index = this.partitions.get(key);
    if (!index) throw new Error(`no partition ${key} on this host`);
    return index;
  }

  describe(): PartitionInfo[] {
    return [...this.partitions].map(([key, index]) => describePartition(key, index));
  }

  termStats(keys: string[], lookup: TermLookup): TermStats {
    const budget = spellcheckBudget();
    const [first, ...rest] = keys.map((key) => partitionTermStats(this.index(key), lookup, budget));
    if (!first) throw new Error('termStats: no partition named');
    return rest.reduce(addTermStats, first);
  }

  feedback(keys: string[], query: PartitionQuery, count: number): FeedbackCandidate[] {
    return keys.flatMap((key) => partitionFeedback(this.index(key), query, count));
  }

  wordCounts(keys: string[], query: PartitionQuery): WordCounts {
    return keys
      .map((key) => partitionWordCounts(this.index(key), query))
      .reduce(addWordCounts, { all: 0, any: 0 });
  }

  search(keys: string[], query: PartitionQuery): PartitionResult[] {
    return keys.map((key) => searchPartition(key, this.index(key), query));
  }

  bonuses(requests: BonusRequest[], query: PartitionQuery): Map<string, number> {
    const out = new Map<string, number>();
    for (const { key, ids } of requests) {
      for (const [id, bonus] of partitionBonuses(this.index(key), query, ids)) out.set(id, bonus);
    }
    return out;
  }

  render(requests: RenderRequest[]): SearchHit[] {
    return requests.flatMap(({ key, hits, snippets }) =>
      renderPartitionHits(this.index(key), hits, snippets),
    );
  }

  surfaceForms(keys: string[], terms: string[], startingWith: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const key of keys) {
      const missing = terms.filter((term) => !out.has(term));
      if (missing.length === 0) break;
      for (const [term, word] of surfaceFormsIn(this.index(key), missing, startingWith)) out.set(term, word);
    }
    return out;
  }
}
