import { randomUUID } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { ARTICLE_TABLE_SCHEMA } from './tables';

/**
 * Receives the change records of committed writes. Locally the runtime fans them out to the
 * indexer hook; on AWS nothing is configured here because DynamoDB Streams deliver the same records.
 */
export type ChangeSink = (records: DynamoDBRecord[]) => Promise<void>;

/*
 * Stream sequence numbers are decimal strings increasing per shard. Seeding with the wall clock
 * keeps them increasing across local restarts; the counter orders records within a process.
 */
let sequenceCounter = 0n;
const sequenceSeed = BigInt(Date.now()) * 1_000_000n;

function nextSequenceNumber(): string {
  sequenceCounter += 1n;
  return (sequenceSeed + sequenceCounter).toString().padStart(21, '0');
}

/**
 * Builds the DynamoDB stream record (view type NEW_AND_OLD_IMAGES) that a committed write of
 * `newItem` over `oldItem` produces: INSERT without an old item, REMOVE without a new one,
 * MODIFY otherwise. Exactly what the indexer Lambda receives from DynamoDB Streams on AWS.
 */
export function buildChangeRecord(
  tableName: string,
  oldItem: object | null,
  newItem: object | null,
  at: Date = new Date(),
): DynamoDBRecord {
  const anyItem = newItem ?? oldItem;
  if (!anyItem) throw new Error('a change record needs an old or a new item');
  const key = ARTICLE_TABLE_SCHEMA.partitionKey;
  const Keys = toStreamImage({ [key]: (anyItem as Record<string, unknown>)[key] });
  const NewImage = newItem ? toStreamImage(newItem) : undefined;
  const OldImage = oldItem ? toStreamImage(oldItem) : undefined;
  const eventName = !oldItem ? 'INSERT' : !newItem ? 'REMOVE' : 'MODIFY';
  return {
    eventID: randomUUID().replaceAll('-', ''),
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'local',
    eventSourceARN: `arn:aws:dynamodb:local:000000000000:table/${tableName}/stream/local`,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(at.getTime() / 1000),
      Keys,
      ...(NewImage ? { NewImage } : {}),
      ...(OldImage ? { OldImage } : {}),
      SequenceNumber: nextSequenceNumber(),
      SizeBytes: Buffer.byteLength(JSON.stringify({ Keys, NewImage, OldImage })),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

/**
 * Marshals an item into the stream's JSON attribute-value shape. Our items hold no binary
 * attributes, so the SDK's marshalled form is also the Lambda event form.
 */
function toStreamImage(item: object): Record<string, AttributeValue> {
  return marshall(item, { removeUndefinedValues: true }) as Record<string, AttributeValue>;
}
