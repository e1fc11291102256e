/**
 * The query language: parser, AST, plan, executor, hit lists, limits and errors; request
 * normalisation (filters, cursor, limits) and suggestions / did-you-mean.
 */
export * from './ast';
export * from './errors';
export * from './execute';
export * from './filters';
export * from './fuzzy';
export * from './hit-list';
export * from './limits';
export * from './plan';
export * from './search-error';
export * from './search-request';
export * from './suggest';
