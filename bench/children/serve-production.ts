import { readFile } from 'node:fs/promises';
import { createProductionSearchApp, loadProductionSnapshot } from '../production';
import { serveOnEphemeralPort } from './serve';

// The production search function behind HTTP, as the production adapter wires it.
const [snapshotPath] = process.argv.slice(2);
if (!snapshotPath) throw new Error('usage: serve-production SNAPSHOT');
const index = await loadProductionSnapshot(await readFile(snapshotPath));
serveOnEphemeralPort(await createProductionSearchApp(index));
