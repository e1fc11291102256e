// Apart from alert-service.ts so that the routes can name it without bundling the percolator.

/** Most alerts kept (parked ones included): bounds the percolator's memory and `GET /alerts`. */
export const DEFAULT_MAX_ALERTS = 10_000;

/** `POST /alerts` when as many alerts exist as the service allows (its `maxAlerts`). */
export class TooManyAlertsError extends Error {
  override readonly name = 'TooManyAlertsError';
  constructor(readonly limit: number) {
    super(`at most ${limit} alerts; delete some first`);
  }
}
