import type { ArticleChange } from '@archive/core';
import type { AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { decodeItem } from './article-item';

/**
 * A stream record that cannot be decoded into an {@link ArticleChange}: missing images, an
 * unknown event name, or an image that is not an article item. The indexer reports such a
 * record as a batch item failure (it goes to the on-failure destination) instead of retrying forever.
 */
export class PoisonRecordError extends Error {
  override readonly name = 'PoisonRecordError';
  constructor(
    message: string,
    readonly eventID: string | undefined,
    readonly sequenceNumber: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Decodes a DynamoDB stream record of the article table (AWS or local) into an {@link ArticleChange}.
 *
 * - INSERT / MODIFY of a live item -> `upsert` with the full article;
 * - MODIFY into a tombstone (takedown) -> `remove` with the tombstone's version;
 * - REMOVE (a hard delete, which the service itself never does) -> `remove` with the old version.
 *
 * Throws {@link PoisonRecordError} for anything else.
 */
export function decodeChangeRecord(record: DynamoDBRecord): ArticleChange {
  const eventID = record.eventID;
  const sequenceNumber = record.dynamodb?.SequenceNumber;
  const poison = (message: string, cause?: unknown) =>
    new PoisonRecordError(
      `undecodable change record ${eventID ?? '?'}: ${message}`,
      eventID,
      sequenceNumber,
      {
        cause,
      },
    );

  const image = (which: 'NewImage' | 'OldImage') => {
    const raw = record.dynamodb?.[which];
    if (!raw) throw poison(`${record.eventName ?? 'record'} without ${which}`);
    try {
      return decodeItem(unmarshall(raw as Record<string, SdkAttributeValue>));
    } catch (error) {
      throw poison(`${which} is not an article item`, error);
    }
  };

  switch (record.eventName) {
    case 'INSERT':
    case 'MODIFY': {
      const { article, deletedAt } = image('NewImage');
      if (deletedAt !== null) return { kind: 'remove', id: article.id, version: article.version };
      return { kind: 'upsert', id: article.id, version: article.version, article };
    }
    case 'REMOVE': {
      const { article } = image('OldImage');
      // A hard delete outranks every version the item had.
      return { kind: 'remove', id: article.id, version: article.version + 1 };
    }
    default:
      throw poison(`unknown eventName ${String(record.eventName)}`);
  }
}
