import { readFile } from 'node:fs/promises';
import { servePartitionsIfWorker } from '@archive/search';
import { loadProductionSnapshot, searchProduction } from '../production';
import type { SearchRequest } from '../queries';
import { childArguments, measureColdStart } from './report';

// Cold start of the production search function: read the stored snapshot, load it (into worker
// threads, which run this same bundle, as the search function's do), answer one query.
if (!servePartitionsIfWorker()) {
  const { snapshotPath, request } = childArguments();
  const parsed = JSON.parse(request) as SearchRequest;
  await measureColdStart(
    () => readFile(snapshotPath),
    async (bytes) => {
      const index = await loadProductionSnapshot(bytes, { script: new URL(import.meta.url) });
      return () => searchProduction(index, parsed);
    },
  );
}
