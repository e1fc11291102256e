export * from './article';
export * from './batch';
export * from './diagnostics';
export * from './errors';
export * from './identity';
export * from './parse-dispatch';
export * from './render';
export * from './time-zones';
