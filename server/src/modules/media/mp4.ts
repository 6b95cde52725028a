/**
 * Just enough ISO-BMFF (MP4) / QuickTime (MOV) to read a video's duration and frame size without
 * ffmpeg: the `moov` box holds `mvhd` (timescale, duration) and one `trak` per stream, whose `tkhd`
 * has the presentation size and transform matrix, and whose `mdia/hdlr` says whether it is video.
 * ISO/IEC 14496-12 §4.2 (box header), §8.2.2 (mvhd), §8.3.2 (tkhd), §8.4.3 (hdlr), §8.8.2 (mehd).
 */

export interface VideoFacts {
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
}

/** A `moov` bigger than this is not kept (it would be a very long or very odd file); facts stay null. */
export const MAX_MOOV_BYTES = 16 * 1024 * 1024;

/**
 * Walks the top-level boxes of a file as its bytes stream past, skipping everything (the media data
 * included) except `moov`, which it copies. Works whether `moov` comes first ("fast start") or last.
 * Memory: at most one `moov` box.
 */
export class MoovScanner {
  private header = Buffer.alloc(0);
  private remaining = 0;
  private mode: 'header' | 'skip' | 'capture' | 'done' = 'header';
  private captured: Buffer[] = [];
  private capturedBytes = 0;
  private moov: Buffer | null = null;

  feed(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length && this.mode !== 'done') {
      if (this.mode === 'header') {
        const need = this.headerLength() - this.header.length;
        const take = chunk.subarray(offset, offset + need);
        this.header = Buffer.concat([this.header, take]);
        offset += take.length;
        if (this.header.length < this.headerLength()) continue;
        this.startBox();
      } else {
        const take = Math.min(this.remaining, chunk.length - offset);
        if (this.mode === 'capture') {
          this.captured.push(Buffer.from(chunk.subarray(offset, offset + take)));
          this.capturedBytes += take;
        }
        offset += take;
        this.remaining -= take;
        if (this.remaining === 0) this.endBox();
      }
    }
  }

  /** The payload of the `moov` box (without its header), or null when none was seen whole. */
  result(): Buffer | null {
    return this.moov;
  }

  /** 8 bytes, or 16 when the 32-bit size is 1 (a 64-bit size follows the type). */
  private headerLength(): number {
    return this.header.length >= 4 && this.header.readUInt32BE(0) === 1 ? 16 : 8;
  }

  private startBox(): void {
    const size32 = this.header.readUInt32BE(0);
    const type = this.header.toString('latin1', 4, 8);
    const headerLength = this.headerLength();
    const size = size32 === 1 ? Number(this.header.readBigUInt64BE(8)) : size32;
    this.header = Buffer.alloc(0);
    if (size32 === 0) {
      // "Extends to the end of the file": nothing after it can be a moov.
      this.mode = 'done';
      return;
    }
    if (!Number.isSafeInteger(size) || size < headerLength) {
      this.mode = 'done';
      return;
    }
    this.remaining = size - headerLength;
    if (type === 'moov' && this.remaining <= MAX_MOOV_BYTES) {
      this.mode = 'capture';
      this.captured = [];
      this.capturedBytes = 0;
    } else {
      this.mode = 'skip';
    }
    if (this.remaining === 0) this.endBox();
  }

  private endBox(): void {
    if (this.mode === 'capture') {
      this.moov = Buffer.concat(this.captured, this.capturedBytes);
      this.captured = [];
      this.mode = 'done';
      return;
    }
    this.mode = 'header';
  }

  static scan(bytes: Buffer): Buffer | null {
    const s = new MoovScanner();
    s.feed(bytes);
    return s.result();
  }
}

interface Box {
  type: string;
  /** The box's payload, after its header. */
  body: Buffer;
}

/** The child boxes of a container payload; stops quietly at the first malformed size. */
function children(container: Buffer): Box[] {
  const boxes: Box[] = [];
  let offset = 0;
  while (offset + 8 <= container.length) {
    let size = container.readUInt32BE(offset);
    const type = container.toString('latin1', offset + 4, offset + 8);
    let headerLength = 8;
    if (size === 1) {
      if (offset + 16 > container.length) break;
      const large = container.readBigUInt64BE(offset + 8);
      if (large > BigInt(container.length)) break;
      size = Number(large);
      headerLength = 16;
    } else if (size === 0) {
      size = container.length - offset;
    }
    if (size < headerLength || offset + size > container.length) break;
    boxes.push({ type, body: container.subarray(offset + headerLength, offset + size) });
    offset += size;
  }
  return boxes;
}

const child = (container: Buffer, type: string) => children(container).find((b) => b.type === type)?.body;

/** Duration and frame size from a `moov` payload; any part it cannot read is null. */
export function parseMoov(moov: Buffer): VideoFacts {
  const facts: VideoFacts = { durationSeconds: null, width: null, height: null };
  try {
    const boxes = children(moov);
    const mvhd = boxes.find((b) => b.type === 'mvhd')?.body;
    if (mvhd) facts.durationSeconds = movieDuration(mvhd, boxes.find((b) => b.type === 'mvex')?.body);
    const tracks = boxes.filter((b) => b.type === 'trak').map((t) => t.body);
    const video = tracks.find((t) => handlerType(t) === 'vide') ?? tracks.find((t) => (trackSize(t)?.width ?? 0) > 0);
    const size = video ? trackSize(video) : null;
    if (size && size.width > 0 && size.height > 0) {
      facts.width = size.width;
      facts.height = size.height;
    }
  } catch {
    // A truncated or inconsistent box: keep whatever was read before it.
  }
  return facts;
}

function movieDuration(mvhd: Buffer, mvex: Buffer | undefined): number | null {
  const version = mvhd.readUInt8(0);
  const timescale = version === 1 ? mvhd.readUInt32BE(20) : mvhd.readUInt32BE(12);
  let duration = version === 1 ? Number(mvhd.readBigUInt64BE(24)) : mvhd.readUInt32BE(16);
  const unknown = version === 1 ? duration >= Number.MAX_SAFE_INTEGER : duration === 0xffffffff;
  if ((duration === 0 || unknown) && mvex) {
    // Fragmented files: the whole duration is in mvex/mehd.
    const mehd = child(mvex, 'mehd');
    if (mehd) duration = mehd.readUInt8(0) === 1 ? Number(mehd.readBigUInt64BE(4)) : mehd.readUInt32BE(4);
    else return null;
  } else if (unknown) {
    return null;
  }
  if (timescale === 0 || duration === 0) return null;
  return Math.round((duration / timescale) * 1000) / 1000;
}

function handlerType(trak: Buffer): string | undefined {
  const mdia = child(trak, 'mdia');
  const hdlr = mdia && child(mdia, 'hdlr');
  return hdlr && hdlr.length >= 12 ? hdlr.toString('latin1', 8, 12) : undefined;
}

/** The displayed size: tkhd width/height (16.16 fixed point), swapped when the matrix turns by 90°. */
function trackSize(trak: Buffer): { width: number; height: number } | null {
  const tkhd = child(trak, 'tkhd');
  if (!tkhd) return null;
  const matrixAt = tkhd.readUInt8(0) === 1 ? 52 : 40;
  if (tkhd.length < matrixAt + 44) return null;
  const a = tkhd.readInt32BE(matrixAt);
  const b = tkhd.readInt32BE(matrixAt + 4);
  const width = Math.round(tkhd.readUInt32BE(matrixAt + 36) / 65536);
  const height = Math.round(tkhd.readUInt32BE(matrixAt + 40) / 65536);
  const rotated = a === 0 && b !== 0;
  return rotated ? { width: height, height: width } : { width, height };
}
