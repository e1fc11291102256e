/**
 * Standing searches: a standing query (the `/search` query and filters), what a match must hold,
 * and the percolator that matches one article against many alerts.
 */
export * from './percolator';
export * from './standing-query';
