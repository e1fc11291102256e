export * from './app';
export * from './auth';
export * from './function-config';
export * from './ingest-service';
export * from './limits';
export * from './query';
export * from './routes/search';
