/**
 * The ingest piece of the production path (see production.ts): the local runtime with its default
 * plugins, loaded with `await import()` so the search children never evaluate it (it brings dynalite).
 */
export { createLocalRuntime, defaultPlugins } from '@archive/local';
