import { readFile } from 'node:fs/promises';
import { baselineSearch, loadBaseline } from '../baseline';
import type { SearchRequest } from '../queries';
import { childArguments, measureColdStart } from './report';

// Cold start of the baseline search function: read the JSON snapshot, loadJSON, answer one query.
const { snapshotPath, request } = childArguments();
const parsed = JSON.parse(request) as SearchRequest;
await measureColdStart(
  () => readFile(snapshotPath, 'utf8'),
  (json) => {
    const miniSearch = loadBaseline(json);
    return () => baselineSearch(miniSearch, parsed, null).length;
  },
);
