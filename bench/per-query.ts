import { ndcgAt, type Qrels, type Run } from './relevance-metrics';

/** Per-query nDCG@10 of two runs over the judged queries: wins, ties and losses of `ours`. */
export interface PerQuery {
  name: string;
  judged: number;
  wins: number;
  ties: number;
  losses: number;
  oursMean: number;
  peerMean: number;
  /** The largest losses: qid, our nDCG@10, the peer's, the request's first words. */
  worst: { qid: string; ours: number; peer: number; text: string }[];
}

/** Differences within this are ties (nDCG@10 moves by 0.01 for a small swap of ranks 9 and 10). */
const TIE = 0.01;

export function comparePerQuery(
  name: string,
  ours: Run,
  peer: Run,
  qrels: Qrels,
  texts: ReadonlyMap<string, string>,
): PerQuery {
  const rows: { qid: string; ours: number; peer: number }[] = [];
  for (const [qid, judged] of qrels) {
    if (judged.size === 0) continue;
    rows.push({
      qid,
      ours: ndcgAt(ours.get(qid) ?? [], judged, 10),
      peer: ndcgAt(peer.get(qid) ?? [], judged, 10),
    });
  }
  const mean = (pick: (r: (typeof rows)[number]) => number) =>
    rows.reduce((s, r) => s + pick(r), 0) / Math.max(1, rows.length);
  const words = (qid: string) => (texts.get(qid) ?? '').split(/\s+/).slice(0, 8).join(' ');
  return {
    name,
    judged: rows.length,
    wins: rows.filter((r) => r.ours - r.peer > TIE).length,
    ties: rows.filter((r) => Math.abs(r.ours - r.peer) <= TIE).length,
    losses: rows.filter((r) => r.peer - r.ours > TIE).length,
    oursMean: mean((r) => r.ours),
    peerMean: mean((r) => r.peer),
    worst: rows
      .filter((r) => r.peer - r.ours > TIE)
      .sort((a, b) => b.peer - b.ours - (a.peer - a.ours))
      .slice(0, 3)
      .map((r) => ({ ...r, text: words(r.qid) })),
  };
}

export function printPerQuery(peerName: string, rows: readonly PerQuery[]): void {
  console.log(`\nper query against ${peerName} (nDCG@10; |Δ| ≤ ${TIE} is a tie):`);
  console.log(
    `| collection | judged | wins | ties | losses | ours | ${peerName} | largest losses (qid: ours / peer) |`,
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const worst = r.worst
      .map((w) => `${w.qid}: ${w.ours.toFixed(2)} / ${w.peer.toFixed(2)} “${w.text}…”`)
      .join('; ');
    console.log(
      `| ${r.name} | ${r.judged} | ${r.wins} | ${r.ties} | ${r.losses} | ${r.oursMean.toFixed(3)} | ${r.peerMean.toFixed(3)} | ${worst} |`,
    );
  }
}
