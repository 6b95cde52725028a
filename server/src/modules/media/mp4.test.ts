import { describe, expect, it } from 'vitest';
import { MoovScanner, parseMoov } from './mp4.js';

function box(type: string, payload: Buffer, opts: { largeSize?: boolean } = {}): Buffer {
  if (opts.largeSize) {
    const header = Buffer.alloc(16);
    header.writeUInt32BE(1, 0);
    header.write(type, 4, 'latin1');
    header.writeBigUInt64BE(BigInt(16 + payload.length), 8);
    return Buffer.concat([header, payload]);
  }
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + payload.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, payload]);
}

/** mvhd version 1 (64-bit times and duration). */
function mvhdV1(timescale: number, duration: bigint): Buffer {
  const b = Buffer.alloc(112);
  b.writeUInt8(1, 0);
  b.writeUInt32BE(timescale, 20);
  b.writeBigUInt64BE(duration, 24);
  return box('mvhd', b);
}

function feedInPieces(bytes: Buffer, size: number): Buffer | null {
  const s = new MoovScanner();
  for (let i = 0; i < bytes.length; i += size) s.feed(bytes.subarray(i, i + size));
  return s.result();
}

describe('MoovScanner', () => {
  const moov = box('moov', mvhdV1(1000, 90_500n));
  const file = Buffer.concat([box('ftyp', Buffer.from('isom\0\0\0\0isom')), box('mdat', Buffer.alloc(5000), { largeSize: true }), moov]);

  it('finds moov after a 64-bit-sized mdat, however the bytes are chunked', () => {
    for (const piece of [1, 3, 7, 8, 16, 4096, file.length]) {
      const found = feedInPieces(file, piece);
      expect(found, `pieces of ${piece}`).not.toBeNull();
      expect(parseMoov(found!)).toEqual({ durationSeconds: 90.5, width: null, height: null });
    }
  });

  it('gives up quietly on a box that claims to be smaller than its header, or runs to the end of the file', () => {
    const broken = Buffer.concat([box('ftyp', Buffer.alloc(8)), Buffer.from([0, 0, 0, 4]), Buffer.from('junk'), moov]);
    expect(MoovScanner.scan(broken)).toBeNull();
    const toEnd = Buffer.concat([box('ftyp', Buffer.alloc(8)), Buffer.from([0, 0, 0, 0]), Buffer.from('mdat'), Buffer.alloc(100)]);
    expect(MoovScanner.scan(toEnd)).toBeNull();
  });

  it('reads what it can from a truncated moov', () => {
    expect(parseMoov(Buffer.from([0, 0, 0, 50, 0x6d, 0x76]))).toEqual({ durationSeconds: null, width: null, height: null });
    expect(parseMoov(Buffer.alloc(0))).toEqual({ durationSeconds: null, width: null, height: null });
  });
});
