import lunr from 'lunr';

/**
 * Lunr 2.3.9 as the relevance collections' README ran it (the best peer on three of the four
 * development collections): default pipeline (trimmer, stop words, Porter stemmer), fields title,
 * body and author, BM25 as Lunr scores it. The request's words are OR-ed as terms (Lunr's query
 * syntax is not applied to a reader's text: `:` `~` `^` `+` `-` are ordinary characters here).
 * Used by `npm run eval -- --all --peer lunr` for per-query wins and losses.
 */
export interface PeerDoc {
  id: string;
  title: string;
  body: string;
  author: string;
}

export interface Peer {
  rank(text: string, depth: number): string[];
}

export function lunrPeer(docs: readonly PeerDoc[]): Peer {
  const index = lunr(function build() {
    this.ref('id');
    this.field('title');
    this.field('body');
    this.field('author');
    for (const doc of docs) this.add(doc);
  });
  return {
    rank(text, depth) {
      const tokens = lunr.tokenizer(text);
      const hits = index.query((query) => {
        for (const token of tokens) query.term(token.toString(), {});
      });
      return hits.slice(0, depth).map((hit) => hit.ref);
    },
  };
}
