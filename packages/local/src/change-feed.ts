import type { ChangeSink } from '@archive/store';
import type { DynamoDBRecord } from 'aws-lambda';

/** Receives the change records of committed writes (the local stand-in for a stream consumer). */
export type ChangeListener = (records: DynamoDBRecord[]) => Promise<void>;

/**
 * Fans the repository's change records out to listeners (the search indexer locally), like
 * DynamoDB Streams does on AWS. A failing listener is reported and does not affect the others
 * or the write; `drain()` waits for deliveries in flight so a shutdown loses none.
 */
export class ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly onListenerError: (error: unknown) => void) {}

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The sink to give the repository. */
  readonly sink: ChangeSink = (records) => {
    const delivery = Promise.all(
      [...this.listeners].map(async (listener) => {
        try {
          await listener(records);
        } catch (error) {
          this.onListenerError(error);
        }
      }),
    ).then(() => undefined);
    this.inFlight.add(delivery);
    return delivery.finally(() => this.inFlight.delete(delivery));
  };

  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }
}
