import type { LocalPlugin } from './plugins';
import { searchPlugin } from './search-plugin';

/** The plugins `npm start`, the CLI's local import and the tests run with: search. */
export function defaultPlugins(): LocalPlugin[] {
  return [searchPlugin()];
}
