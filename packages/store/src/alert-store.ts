import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

/** The query and filters of a standing search, as `/search` takes them. */
export interface AlertQuery {
  q?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  place?: string | undefined;
  source?: string | undefined;
  language?: string | undefined;
  tags?: string[] | undefined;
  tz?: string | undefined;
}

/**
 * A standing search: a query, the webhook its matches are POSTed to, and the secret they are
 * signed with (kept in the table because signing needs it; the API shows it once, at creation).
 */
export interface AlertRecord {
  id: string;
  query: AlertQuery;
  webhookUrl: string;
  secret: string;
  createdAt: string;
  /** `parked`: deliveries kept failing; no more matches are delivered (delete and recreate it). */
  status: 'active' | 'parked';
  /** Failed delivery attempts since the last success. */
  failures: number;
  deliveries: number;
  lastDeliveryAt: string | null;
  lastFailure: { at: string; reason: string } | null;
  parkedAt: string | null;
  parkedReason: string | null;
}

/** The alert table: partition key `id` (a few thousand items at most: read whole by a scan). */
export const ALERT_TABLE_SCHEMA = { partitionKey: 'id' } as const;
export const DEFAULT_ALERT_TABLE_NAME = 'alerts';

/** A new alert id: `alr_` + 12 random bytes, base64url. */
function generateAlertId(): string {
  return `alr_${randomBytes(12).toString('base64url')}`;
}

/** A new signing secret: `whsec_` + 32 random bytes, base64url. */
function generateAlertSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** A new alert, active and never delivered to; id, secret and creation time made unless given. */
export function newAlertRecord(
  fields: Pick<AlertRecord, 'query' | 'webhookUrl'> &
    Partial<Pick<AlertRecord, 'id' | 'secret' | 'createdAt'>>,
): AlertRecord {
  return {
    id: fields.id ?? generateAlertId(),
    query: fields.query,
    webhookUrl: fields.webhookUrl,
    secret: fields.secret ?? generateAlertSecret(),
    createdAt: fields.createdAt ?? new Date().toISOString(),
    status: 'active',
    failures: 0,
    deliveries: 0,
    lastDeliveryAt: null,
    lastFailure: null,
    parkedAt: null,
    parkedReason: null,
  };
}

export interface AlertStore {
  /** Stores a new alert; false when the id is taken. */
  create(alert: AlertRecord): Promise<boolean>;
  get(id: string): Promise<AlertRecord | null>;
  list(): Promise<AlertRecord[]>;
  /** Deletes an alert; false when there was none. */
  delete(id: string): Promise<boolean>;
  recordDelivery(id: string, at: string): Promise<void>;
  recordFailure(id: string, at: string, reason: string): Promise<void>;
  park(id: string, at: string, reason: string): Promise<void>;
}

/** Alerts in DynamoDB. Outcome updates of an alert deleted meanwhile are dropped, not errors. */
export class DynamoAlertStore implements AlertStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(alert: AlertRecord): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: alert,
          ConditionExpression: 'attribute_not_exists(id)',
          // Undefined filters are left out rather than stored as nulls.
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async get(id: string): Promise<AlertRecord | null> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
    );
    return Item ? (Item as AlertRecord) : null;
  }

  async list(): Promise<AlertRecord[]> {
    const alerts: AlertRecord[] = [];
    for await (const page of paginateScan({ client: this.doc }, { TableName: this.tableName })) {
      for (const item of page.Items ?? []) alerts.push(item as AlertRecord);
    }
    return alerts.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async delete(id: string): Promise<boolean> {
    const { Attributes } = await this.doc.send(
      new DeleteCommand({ TableName: this.tableName, Key: { id }, ReturnValues: 'ALL_OLD' }),
    );
    return Attributes !== undefined;
  }

  recordDelivery(id: string, at: string): Promise<void> {
    return this.updateExisting(id, 'SET failures = :zero, lastDeliveryAt = :at ADD deliveries :one', {
      ':zero': 0,
      ':one': 1,
      ':at': at,
    });
  }

  recordFailure(id: string, at: string, reason: string): Promise<void> {
    return this.updateExisting(id, 'SET lastFailure = :failure ADD failures :one', {
      ':failure': { at, reason },
      ':one': 1,
    });
  }

  park(id: string, at: string, reason: string): Promise<void> {
    return this.updateExisting(id, 'SET #status = :parked, parkedAt = :at, parkedReason = :reason', {
      ':parked': 'parked',
      ':at': at,
      ':reason': reason,
    });
  }

  private async updateExisting(
    id: string,
    expression: string,
    values: Record<string, unknown>,
  ): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(id)',
          ...(expression.includes('#status') ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
