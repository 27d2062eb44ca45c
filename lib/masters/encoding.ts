/** Encodings of the master files: the SSK / MEDIS files are Shift_JIS (decoded as cp932), J-FAGY comes in both. */
import iconv from 'iconv-lite';
import type { SourceEncoding } from './types';

export function normalizeEncoding(value: string | undefined | null): SourceEncoding | undefined {
  if (!value) return undefined;
  const v = value.toLowerCase().replace(/[-_]/g, '');
  if (['utf8', 'utf'].includes(v)) return 'utf8';
  if (['sjis', 'shiftjis', 'cp932', 'windows31j', 'ms932'].includes(v)) return 'sjis';
  throw new Error(`未対応の文字コードです: ${value} (sjis または utf8)`);
}

/** Strips a trailing, possibly cut UTF-8 sequence so a sample can be validated strictly. */
function trimPartialUtf8(sample: Uint8Array): Uint8Array {
  let end = sample.length;
  for (let i = sample.length - 1; i >= Math.max(0, sample.length - 4); i--) {
    const b = sample[i];
    if ((b & 0xc0) === 0x80) continue; // continuation byte
    if (b >= 0xc0) end = i; // start of a multi-byte sequence that may be incomplete
    break;
  }
  return sample.subarray(0, end);
}

/** UTF-8 when the sample is valid UTF-8 (a BOM also says so), otherwise Shift_JIS. */
export function detectEncoding(sample: Uint8Array): SourceEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf8';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(trimPartialUtf8(sample.subarray(0, 64 * 1024)));
    return 'utf8';
  } catch {
    return 'sjis';
  }
}

export function iconvName(encoding: SourceEncoding): string {
  return encoding === 'sjis' ? 'cp932' : 'utf8';
}

/** Whole-buffer decode (tests, small files); the importer streams with iconv.decodeStream instead. */
export function decodeBuffer(buffer: Uint8Array, encoding: SourceEncoding = detectEncoding(buffer)): string {
  return iconv.decode(Buffer.from(buffer), iconvName(encoding)).replace(/^\uFEFF/, '');
}
