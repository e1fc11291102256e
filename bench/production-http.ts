/**
 * The HTTP piece of the production path (the app the search function serves) (see production.ts), loaded with `await import()` so the
 * cold-start child does not evaluate it. Imported by name: a dynamic import of a whole package
 * entry makes esbuild keep every module behind it in the bench's child bundles.
 */
export { createApp } from '@archive/api';
