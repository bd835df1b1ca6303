// A minimal protocol-buffers encoder: just the wire format the ONNX export needs (varints, length-delimited
// bytes, strings and nested messages, repeated int64). A message is the concatenation of its encoded
// fields, so builders compose by concatenating Uint8Arrays. Deliberately no decoder, no schema, no reflection:
// onnx.ts spells out each message with its field numbers from onnx.proto.
//
// Wire format (https://protobuf.dev/programming-guides/encoding/): each field is a key varint
// (field_number << 3 | wire_type) followed by its payload; wire type 0 is a varint, 2 a length-prefixed run of
// bytes. Negative int32/int64 values are written as the 10-byte varint of their 64-bit two's complement.

const WIRE_VARINT = 0;
const WIRE_LEN = 2;

/** The varint bytes of an integer in [-2^63, 2^64), negative values as 64-bit two's complement. */
function varintBytes(value: number | bigint): number[] {
  let v = BigInt(value);
  if (v < 0n) v += 1n << 64n;
  if (v < 0n || v >= 1n << 64n) throw new Error(`bug: varint out of range: ${value}`);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

function key(field: number, wire: number): number[] {
  return varintBytes((field << 3) | wire);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** An int32, int64 or enum field (wire type 0). */
export function intField(field: number, value: number | bigint): Uint8Array {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new Error(`bug: not an integer: ${value}`);
  return Uint8Array.from([...key(field, WIRE_VARINT), ...varintBytes(value)]);
}

/** A bytes field, or a nested message already encoded (wire type 2). */
export function bytesField(field: number, payload: Uint8Array): Uint8Array {
  return concat([Uint8Array.from([...key(field, WIRE_LEN), ...varintBytes(payload.length)]), payload]);
}

export const messageField = bytesField;

/** A string field, UTF-8. */
export function stringField(field: number, s: string): Uint8Array {
  return bytesField(field, new TextEncoder().encode(s));
}

/**
 * A repeated int64 field, unpacked (one key per element): the proto2 default that onnx.proto declares; parsers
 * accept it whatever their packing preference.
 */
export function repeatedIntField(field: number, values: readonly (number | bigint)[]): Uint8Array {
  return concat(values.map((v) => intField(field, v)));
}
