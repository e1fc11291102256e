export * from './config';
export * from './default-plugins';
export * from './dispatch-files';
export * from './plugins';
export * from './runtime';
