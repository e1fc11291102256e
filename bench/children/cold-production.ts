import { readFile } from 'node:fs/promises';
import { loadProductionSnapshot, searchProduction } from '../production';
import type { SearchRequest } from '../queries';
import { childArguments, measureColdStart } from './report';

// Cold start of the production search function: read the stored snapshot, load it, answer one query.
const { snapshotPath, request } = childArguments();
const parsed = JSON.parse(request) as SearchRequest;
await measureColdStart(
  () => readFile(snapshotPath),
  async (bytes) => {
    const index = await loadProductionSnapshot(bytes);
    return () => searchProduction(index, parsed);
  },
);
