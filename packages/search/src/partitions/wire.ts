import { gunzipSync, gzipSync } from 'node:zlib';
import type { HostMethod, PartitionInfo, PublishedLayout } from './protocol';

/**
 * The rounds of protocol.ts as JSON documents, for partitions held by another function (Lambda's
 * Invoke API carries a JSON event and returns a JSON result, each at most 6 MB).
 *
 * - Maps (protocol.ts keys words by Map) travel as `{"$map": [[key, value], …]}`; no message of
 *   the protocol has an object with that property, so the tag cannot be mistaken.
 * - A document above {@link COMPRESS_ABOVE} bytes travels gzipped and base64-encoded as
 *   `{"gz": "…"}`: term statistics of a short prefix or a page of rendered snippets compress ~5–10×.
 *   A document still above {@link MAX_PAYLOAD_BYTES} after that is refused with
 *   {@link PayloadTooLargeError} rather than sent for Lambda to reject. Every answer of the protocol
 *   is bounded (pages by MAX_LIMIT and RERANK_DEPTH, expansions by the query limits), so this is a
 *   guard, not a path taken.
 */

/** Lambda's limit on a synchronous invocation's request and response (6 MB), with room for the envelope. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024 - 1024;
/** Documents larger than this are compressed (smaller ones cost more to compress than to send). */
export const COMPRESS_ABOVE = 32 * 1024;

/** The calls a partition function answers: the host methods, plus the folded round (remote-host.ts). */
export type WireMethod = HostMethod | 'searchFolded' | 'termStatsEach' | 'wordCountsFolded';

export interface WireRequest {
  method: WireMethod;
  args: unknown[];
  /**
   * The partition versions the caller planned with (its statistics were summed from them). A host
   * holding another version of one of them answers `stale` instead of mixing statistics of two versions.
   */
  expect?: [string, string][];
}

/** What every reply says of its function: the partitions it holds and the layout it loaded. */
interface ReplyHolding {
  partitions?: PartitionInfo[];
  published?: PublishedLayout;
}

export type WireReply =
  | ({ ok: true; result: unknown; partitions: PartitionInfo[] } & ReplyHolding)
  | ({ ok: false; stale: true; partitions: PartitionInfo[] } & ReplyHolding)
  | ({ ok: false; error: { name: string; message: string } } & ReplyHolding);

export class PayloadTooLargeError extends Error {
  override readonly name = 'PayloadTooLargeError';
}

/** A wire document: plain JSON, or the gzipped form. */
export type WireDocument = Record<string, unknown>;

export function toWire(message: WireRequest | WireReply): WireDocument {
  const json = JSON.stringify(message, (_key, value: unknown) =>
    value instanceof Map ? { $map: [...value] } : value,
  );
  if (json.length <= COMPRESS_ABOVE) return JSON.parse(json) as WireDocument;
  const packed = gzipSync(json, { level: 4 }).toString('base64');
  if (packed.length > MAX_PAYLOAD_BYTES) {
    throw new PayloadTooLargeError(
      `a ${describe(message)} of ${packed.length} bytes (compressed) exceeds Lambda's 6 MB payload limit`,
    );
  }
  return { gz: packed };
}

export function fromWire<T extends WireRequest | WireReply>(document: unknown): T {
  if (typeof document !== 'object' || document === null) throw new Error('not a wire document');
  const json =
    typeof (document as { gz?: unknown }).gz === 'string'
      ? gunzipSync(Buffer.from((document as { gz: string }).gz, 'base64')).toString('utf8')
      : JSON.stringify(document);
  return JSON.parse(json, (_key, value: unknown) => (isTaggedMap(value) ? new Map(value.$map) : value)) as T;
}

/** Bytes of a document as Lambda counts them (its JSON). */
export function wireBytes(document: WireDocument): number {
  return Buffer.byteLength(JSON.stringify(document));
}

function isTaggedMap(value: unknown): value is { $map: [unknown, unknown][] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { $map?: unknown }).$map) &&
    Object.keys(value).length === 1
  );
}

function describe(message: WireRequest | WireReply): string {
  return 'method' in message ? `${message.method} request` : 'partition reply';
}
