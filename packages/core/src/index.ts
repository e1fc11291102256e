export * from './article';
export * from './diagnostics';
export * from './errors';
export * from './parse-dispatch';
