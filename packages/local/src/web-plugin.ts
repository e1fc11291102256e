import { registerPageRoutes } from '@archive/web';
import type { LocalPlugin } from './plugins';

/** The reader's pages (`GET /`, `GET /read/{id}`), asking the app's own API routes in process. */
export function webPlugin(): LocalPlugin {
  return {
    name: 'web',
    async start() {
      return { routes: (app) => registerPageRoutes(app) };
    },
  };
}
