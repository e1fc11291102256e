export { RecordCounter } from './commands/export';
export * from './io';
export * from './program';
