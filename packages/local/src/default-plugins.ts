import type { LocalPlugin } from './plugins';
import { searchPlugin } from './search-plugin';
import { webPlugin } from './web-plugin';

/** The plugins `npm start`, the CLI's local import and the tests run with: search and the pages. */
export function defaultPlugins(): LocalPlugin[] {
  return [searchPlugin(), webPlugin()];
}
