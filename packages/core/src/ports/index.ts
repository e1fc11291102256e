export * from './blob-store';
export * from './changes';
export * from './clock';
