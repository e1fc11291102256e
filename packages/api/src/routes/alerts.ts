import { MAX_QUERY_PARAMETER_LENGTH } from '@archive/search';
import type { AlertQuery, AlertRecord } from '@archive/store';
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as z from 'zod';
import type { AlertManager } from '../alerts/alert-registry';
import { TooManyAlertsError } from '../alerts/too-many-alerts';
import { MAX_WEBHOOK_URL_LENGTH, WebhookUrlError } from '../alerts/webhook-url-error';
import { type Authorize, requireWriteKey } from '../auth';
import { ApiError } from '../errors';
import { engineError } from './search';

export interface AlertRouteDeps {
  /** The local service (which also matches), or the registry alone (the API function on AWS). */
  alerts: AlertManager;
}

/** Largest `POST /alerts` body. */
export const MAX_ALERT_BODY_BYTES = 16 * 1024;
const MAX_FILTER_LENGTH = 200;
const MAX_TAGS = 10;
const ALERT_ID = /^alr_[A-Za-z0-9_-]{16}$/;

const filter = (max: number) => z.string().min(1).max(max).optional();

/** `POST /alerts` body: the query and filters of `/search` (read in `all` mode) and the webhook. */
export const CreateAlertBody = z.strictObject({
  q: z.string().max(MAX_QUERY_PARAMETER_LENGTH).optional(),
  from: filter(40),
  to: filter(40),
  place: filter(MAX_FILTER_LENGTH),
  source: filter(MAX_FILTER_LENGTH),
  language: filter(35),
  tags: z.array(z.string().min(1).max(MAX_FILTER_LENGTH)).max(MAX_TAGS).optional(),
  tz: filter(64),
  webhookUrl: z.string().max(MAX_WEBHOOK_URL_LENGTH),
});

/** An alert as the API shows it: everything but the secret (shown once, by `POST /alerts`). */
export type AlertView = Omit<AlertRecord, 'secret'>;

export function alertView(alert: AlertRecord): AlertView {
  const { secret: _secret, ...view } = alert;
  return view;
}

/**
 * `POST /alerts`, `GET /alerts`, `GET /alerts/{id}`, `DELETE /alerts/{id}`; every one needs an
 * ingest key or a key with the `alerts` scope (an alert's webhook URL is no one else's business).
 */
export function registerAlertRoutes(app: Hono, deps: AlertRouteDeps, authorize: Authorize | undefined): void {
  const guard = requireWriteKey(authorize, 'alerts');

  app.post(
    '/alerts',
    guard,
    bodyLimit({
      maxSize: MAX_ALERT_BODY_BYTES,
      onError: (c) =>
        c.json(
          new ApiError(413, 'too_large', `an alert is at most ${MAX_ALERT_BODY_BYTES} bytes`).toBody(),
          413,
          { Connection: 'close' },
        ),
    }),
    async (c) => {
      const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/json') {
        throw new ApiError(415, 'unsupported_media_type', 'an alert is sent as application/json');
      }
      let raw: unknown;
      try {
        raw = JSON.parse(await c.req.text());
      } catch {
        throw new ApiError(400, 'malformed', 'the body is not JSON');
      }
      const parsed = CreateAlertBody.safeParse(raw);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
        throw new ApiError(
          422,
          'invalid_alert',
          `invalid alert: ${issues.map((i) => `${i.field || 'body'} (${i.message})`).join(', ')}`,
          { issues },
        );
      }
      const { webhookUrl, ...query } = parsed.data;
      const alertQuery: AlertQuery = Object.fromEntries(
        Object.entries(query).filter(([, value]) => value !== undefined),
      );
      try {
        const alert = await deps.alerts.create(alertQuery, webhookUrl);
        return c.json(alert, 201, { Location: `/alerts/${alert.id}` });
      } catch (error) {
        if (error instanceof WebhookUrlError) {
          throw new ApiError(422, 'invalid_webhook_url', error.message, { webhookUrl });
        }
        if (error instanceof TooManyAlertsError) {
          throw new ApiError(409, 'too_many_alerts', error.message, { limit: error.limit });
        }
        // A query or filter /search refuses: the same code, reason and position.
        throw engineError(error);
      }
    },
  );

  app.get('/alerts', guard, async (c) => {
    const alerts = await deps.alerts.store.list();
    return c.json({ alerts: alerts.map(alertView) });
  });

  app.get('/alerts/:id', guard, async (c) => {
    const id = c.req.param('id');
    const alert = ALERT_ID.test(id) ? await deps.alerts.store.get(id) : null;
    if (!alert) throw new ApiError(404, 'not_found', `no alert ${id}`, { id });
    return c.json(alertView(alert));
  });

  app.delete('/alerts/:id', guard, async (c) => {
    const id = c.req.param('id');
    const deleted = ALERT_ID.test(id) && (await deps.alerts.delete(id));
    if (!deleted) throw new ApiError(404, 'not_found', `no alert ${id}`, { id });
    return c.json({ id, status: 'deleted' });
  });
}
