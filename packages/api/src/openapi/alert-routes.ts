import { type RouteConfig, z } from '@hono/zod-openapi';
import type { ErrorCode } from '../error-codes';
import { CreateAlertBody } from '../routes/alerts';

const AlertQuery = z
  .object({
    q: z.string().optional(),
    from: z.string().optional(),
    to: z.string().optional(),
    place: z.string().optional(),
    source: z.string().optional(),
    language: z.string().optional(),
    tags: z.array(z.string()).optional(),
    tz: z.string().optional(),
  })
  .openapi('AlertQuery');

const alertFields = {
  id: z.string().openapi({ example: 'alr_3q2-9xZk1fTb0aYw' }),
  query: AlertQuery,
  webhookUrl: z.string(),
  createdAt: z.string(),
  status: z.enum(['active', 'parked']),
  failures: z.number().int().openapi({ description: 'Failed delivery attempts since the last success' }),
  deliveries: z.number().int(),
  lastDeliveryAt: z.string().nullable(),
  lastFailure: z.object({ at: z.string(), reason: z.string() }).nullable(),
  parkedAt: z.string().nullable(),
  parkedReason: z.string().nullable().openapi({ description: 'Why deliveries stopped (status `parked`)' }),
};

export const Alert = z.object(alertFields).openapi('Alert');
export const CreatedAlert = z
  .object({
    ...alertFields,
    secret: z.string().openapi({ description: 'The signing secret: shown here once, never again' }),
  })
  .openapi('CreatedAlert');

const AlertId = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: 'alr_3q2-9xZk1fTb0aYw' }),
});

type Json = (schema: z.ZodType, description: string) => NonNullable<RouteConfig['responses']>[string];
type Errors = (...codes: ErrorCode[]) => RouteConfig['responses'];

/** The routes of standing searches (docs/ALERTS.md), with document.ts's helpers. */
export function alertRoutes(
  json: Json,
  errors: Errors,
  rateLimited: RouteConfig['responses'],
): RouteConfig[] {
  const security = [{ ingestKey: [] }];
  return [
    {
      method: 'post',
      path: '/alerts',
      tags: ['Alerts'],
      summary: 'Create a standing search whose new matches are POSTed to a webhook',
      description:
        'The query and filters of `/search`, read in `all` mode (every word must match), and an https ' +
        'webhook URL on a public address. Every new or updated article that `/search` would list is ' +
        'delivered as a signed POST (docs/ALERTS.md). The answer carries the signing secret, once.',
      security,
      request: { body: { required: true, content: { 'application/json': { schema: CreateAlertBody } } } },
      responses: {
        201: json(CreatedAlert, 'Created; `Location` names it'),
        ...errors(
          'malformed',
          'invalid_query',
          'invalid_date',
          'invalid_range',
          'invalid_time_zone',
          'unauthorized',
          'too_large',
          'unsupported_media_type',
          'invalid_alert',
          'invalid_webhook_url',
          'too_many_alerts',
        ),
        ...rateLimited,
      },
    },
    {
      method: 'get',
      path: '/alerts',
      tags: ['Alerts'],
      summary: 'List the standing searches (without their secrets)',
      security,
      responses: {
        200: json(z.object({ alerts: z.array(Alert) }), 'Every alert, oldest first'),
        ...errors('unauthorized'),
        ...rateLimited,
      },
    },
    {
      method: 'get',
      path: '/alerts/{id}',
      tags: ['Alerts'],
      summary: 'A standing search: status, failures, parked reason',
      security,
      request: { params: AlertId },
      responses: { 200: json(Alert, 'The alert'), ...errors('unauthorized', 'not_found'), ...rateLimited },
    },
    {
      method: 'delete',
      path: '/alerts/{id}',
      tags: ['Alerts'],
      summary: 'Delete a standing search',
      security,
      request: { params: AlertId },
      responses: {
        200: json(z.object({ id: z.string(), status: z.literal('deleted') }), 'Deleted'),
        ...errors('unauthorized', 'not_found'),
        ...rateLimited,
      },
    },
  ];
}
