/**
 * `npm start`: bundles the local entry if a source changed since the last start (bundle-entry.mjs
 * says why), then runs it. Stack traces point at the TypeScript sources (inline source map).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureBundle } from './bundle-entry.mjs';

const local = join(dirname(fileURLToPath(import.meta.url)), '..');
// Same depth as src/, so paths the runtime resolves from its own module (the examples) still hold.
const outfile = join(local, 'dist', 'main.mjs');
await ensureBundle({ entry: join(local, 'src', 'main.ts'), outfile, packagesDir: join(local, '..') });
process.setSourceMapsEnabled(true);
await import(pathToFileURL(outfile).href);
