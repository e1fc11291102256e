import { readFile } from 'node:fs/promises';
import { servePartitionsIfWorker } from '@archive/search';
import { createProductionSearchApp, loadProductionSnapshot } from '../production';
import { serveOnEphemeralPort } from './serve';

// The production search function behind HTTP, as the production adapter wires it (its partition
// workers run this same bundle).
if (!servePartitionsIfWorker()) {
  const [snapshotPath] = process.argv.slice(2);
  if (!snapshotPath) throw new Error('usage: serve-production SNAPSHOT');
  const index = await loadProductionSnapshot(await readFile(snapshotPath), {
    script: new URL(import.meta.url),
  });
  serveOnEphemeralPort(await createProductionSearchApp(index));
}
