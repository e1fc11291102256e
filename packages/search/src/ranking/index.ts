/**
 * Ranking beyond BM25 (scored in query/execute.ts): proximity bonuses, pseudo-relevance feedback and
 * top-k selection.
 */
export * from './feedback';
export * from './proximity';
export * from './top-k';
