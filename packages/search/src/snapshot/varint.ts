/**
 * LEB128 unsigned varints over a growable byte buffer. Hand-written because the snapshot codec
 * needs millions of them per second with no allocation per value, which the varint packages on
 * npm (object-per-call APIs, or Buffer-only) do not give.
 */
export class VarintWriter {
  private bytes: Uint8Array;
  private length = 0;

  constructor(initialCapacity = 1 << 16) {
    this.bytes = new Uint8Array(initialCapacity);
  }

  get position(): number {
    return this.length;
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < this.length + extra) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /** Writes a non-negative integer below 2^53. */
  write(value: number): void {
    this.ensure(8);
    let v = value;
    while (v >= 0x80) {
      this.bytes[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.bytes[this.length++] = v;
  }

  writeBytes(chunk: Uint8Array): void {
    this.ensure(chunk.length);
    this.bytes.set(chunk, this.length);
    this.length += chunk.length;
  }

  finish(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

export class VarintReader {
  constructor(
    private readonly bytes: Uint8Array,
    public position = 0,
  ) {}

  read(): number {
    let result = 0;
    let multiplier = 1;
    for (;;) {
      const byte = this.bytes[this.position++];
      if (byte === undefined) throw new RangeError('varint runs past the end of the buffer');
      result += (byte & 0x7f) * multiplier;
      if (byte < 0x80) return result;
      multiplier *= 0x80;
    }
  }

  readBytes(length: number): Uint8Array {
    const end = this.position + length;
    if (end > this.bytes.length) throw new RangeError('byte run past the end of the buffer');
    const chunk = this.bytes.subarray(this.position, end);
    this.position = end;
    return chunk;
  }
}

const fromUtf8 = new TextDecoder();

/**
 * UTF-8 to string for the short ids and terms of a snapshot: most are ASCII, and for those building
 * the string from char codes is several times cheaper than a TextDecoder call (300k of them at
 * 100k articles, a noticeable share of a cold start).
 */
export function decodeShortUtf8(bytes: Uint8Array): string {
  if (bytes.length > 64) return fromUtf8.decode(bytes);
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) >= 0x80) return fromUtf8.decode(bytes);
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}
