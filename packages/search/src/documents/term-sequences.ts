import { type Analyzer, analyseWords } from '../text/analysis';

/** An article's analysed terms, title then body, as ids of one term table. */
export interface TermIds {
  ids: Uint32Array;
  /** How many of `ids` belong to the title; the body's follow. */
  titleCount: number;
}

/** Looks a query term up in the table an article's {@link TermIds} were written with. */
export type TermTable = (term: string) => number | undefined;

/**
 * The analysed term sequences of the articles indexed in this process, so that phrase checks and
 * proximity read term ids instead of analysing the stored text again (an index loaded from a
 * snapshot reads the sequences the snapshot recorded: SequencedArticle). Without them, a phrase
 * matching twenty 256 KB articles freshly ingested re-analysed ~700,000 words in one event-loop
 * turn (1.3 s on a loaded machine). Ids are 4 bytes a word, kept only for this process's articles.
 */
export class TermSequences {
  private readonly ids = new Map<string, number>();
  private readonly byShortId: (TermIds | undefined)[] = [];
  /** Looks terms up in this table; one function for the life of the index, so callers can cache by it. */
  readonly table: TermTable = (term) => this.ids.get(term);

  /**
   * Analyses an article's title and body once: records its sequence and returns its folded words
   * (what the surface vocabulary counts), which the same pass yields.
   */
  record(shortId: number, title: string, body: string, analyzer: Analyzer): Set<string> {
    const words = new Set<string>();
    const titleTerms = analyseWords(title, analyzer, words);
    const terms = [...titleTerms, ...analyseWords(body, analyzer, words)];
    const ids = terms.map((term) => {
      let id = this.ids.get(term);
      if (id === undefined) {
        id = this.ids.size;
        this.ids.set(term, id);
      }
      return id;
    });
    const titleCount = titleTerms.length;
    this.byShortId[shortId] = { ids: Uint32Array.from(ids), titleCount };
    return words;
  }

  forget(shortId: number): void {
    this.byShortId[shortId] = undefined;
  }

  get(shortId: number): TermIds | undefined {
    return this.byShortId[shortId];
  }
}

/** Where a field's terms lie in a sequence. */
export function fieldRange(sequence: TermIds, field: 'title' | 'body'): [number, number] {
  return field === 'title' ? [0, sequence.titleCount] : [sequence.titleCount, sequence.ids.length];
}

/** Whether `run` occurs consecutively within `[from, to)` of the sequence. */
export function containsRun(
  sequence: TermIds,
  [from, to]: [number, number],
  run: readonly number[],
): boolean {
  const { ids } = sequence;
  const n = run.length;
  outer: for (let i = from; i + n <= to; i++) {
    for (let j = 0; j < n; j++) if (ids[i + j] !== run[j]) continue outer;
    return true;
  }
  return false;
}
