export * from './config';
export * from './default-plugins';
export * from './dispatch-files';
export * from './http-guards';
export * from './lambda-invoke-endpoint';
export * from './plugins';
export * from './runtime';
