import { registerDocsRoutes } from '@archive/api';
import { registerPageRoutes } from '@archive/web';
import type { LocalPlugin } from './plugins';

/**
 * What people open in a browser: the reader's pages (`GET /`, `GET /read/{id}`, asking the app's
 * own API routes in process), and the API's description (`GET /openapi.json`, `GET /docs`).
 */
export function webPlugin(): LocalPlugin {
  return {
    name: 'web',
    async start() {
      return {
        routes: (app) => {
          registerPageRoutes(app);
          registerDocsRoutes(app);
        },
      };
    },
  };
}
