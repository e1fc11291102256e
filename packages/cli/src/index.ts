export * from './io';
export * from './program';
