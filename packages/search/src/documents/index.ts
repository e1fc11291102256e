/**
 * The documents and their order: `ArchiveIndex` (one index: MiniSearch plus per-article metadata),
 * the article shape it keeps, facets, cursors, the search request/response types, the `Searcher`
 * contract the routes and loader serve, and the single-index search pipeline.
 */
export * from './archive-index';
export * from './cursor';
export * from './facets';
export * from './search';
export * from './searcher';
