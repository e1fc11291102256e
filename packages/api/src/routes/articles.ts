import { type ArticleRepository, ConcurrentWriteError } from '@archive/store';
import type { Hono } from 'hono';
import { type Authorize, requireWriteKey } from '../auth';
import { ApiError } from '../errors';
import { MAX_ID_LENGTH } from '../limits';

export interface ArticleRouteDeps {
  repository: ArticleRepository;
}

/** `GET /articles/:id` (public) and `DELETE /articles/:id` (takedown, needs a key). */
export function registerArticleRoutes(
  app: Hono,
  deps: ArticleRouteDeps,
  authorize: Authorize | undefined,
): void {
  app.get('/articles/:id', async (c) => {
    const id = checkArticleId(c.req.param('id'));
    const article = await deps.repository.get(id);
    if (!article) throw notFound(id);
    return c.json(article);
  });

  app.delete('/articles/:id', requireWriteKey(authorize), async (c) => {
    const id = checkArticleId(c.req.param('id'));
    const outcome = await deps.repository.takeDown(id).catch((error: unknown) => {
      // Writers kept racing on this article through every retry: the client may try again.
      if (error instanceof ConcurrentWriteError) {
        throw new ApiError(409, 'conflict', error.message, { id });
      }
      throw error;
    });
    if (outcome.status === 'not_found') throw notFound(id);
    return c.json(outcome);
  });
}

export function checkArticleId(id: string): string {
  // Control characters and oversized ids cannot be article ids; DynamoDB would reject the key.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point of the check
  if (id.length === 0 || id.length > MAX_ID_LENGTH || /[\u0000-\u001f\u007f]/.test(id)) {
    throw new ApiError(400, 'invalid_id', `an article id is 1 to ${MAX_ID_LENGTH} printable characters`);
  }
  return id;
}

function notFound(id: string): ApiError {
  return new ApiError(404, 'not_found', `no article ${id}`, { id });
}
