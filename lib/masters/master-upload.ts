/**
 * Receives an uploaded master file as a stream (never whole in memory, no body-size truncation: the route is outside
 * proxy.ts, see body-limits.ts) into MasterImportChunk rows, counting bytes and lines and hashing as it goes, so the
 * caller can compare them with what the sender declared before anything is imported (issue 9 item 18).
 */
import { createHash } from 'node:crypto';
import { appendMasterImportChunk } from './master-import.repository';

export const CHUNK_BYTES = 1024 * 1024;

export type ReceivedUpload =
  | { ok: true; bytes: number; lines: number; sha256: string; head: Uint8Array }
  | { ok: false; reason: 'too_large' | 'aborted'; bytes: number; error?: unknown };

/** Lines as the importer counts them: LF count, plus a last line without LF. */
export function countLinesOf(lf: number, bytes: number, lastByte: number | undefined): number {
  return bytes === 0 ? 0 : lastByte === 0x0a ? lf : lf + 1;
}

export async function receiveUploadIntoChunks(
  importId: string,
  body: ReadableStream<Uint8Array>,
  { maxBytes }: { maxBytes: number },
): Promise<ReceivedUpload> {
  const hash = createHash('sha256');
  const reader = body.getReader();
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let seq = 0;
  let bytes = 0;
  let lf = 0;
  let lastByte: number | undefined;
  let head: Uint8Array | undefined;
  const store = async (force: boolean) => {
    while (pendingBytes >= CHUNK_BYTES || (force && pendingBytes > 0)) {
      const all = Buffer.concat(pending, pendingBytes);
      const take = Math.min(CHUNK_BYTES, all.length);
      const chunk = all.subarray(0, take);
      head ??= chunk.subarray(0, 64 * 1024);
      await appendMasterImportChunk(importId, seq++, chunk);
      pending = take < all.length ? [all.subarray(take)] : [];
      pendingBytes = all.length - take;
    }
  };
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch (error) {
      return { ok: false, reason: 'aborted', bytes, error };
    }
    const { done, value } = next;
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, reason: 'too_large', bytes };
    }
    hash.update(value);
    for (let i = 0; i < value.length; i++) if (value[i] === 0x0a) lf++;
    if (value.length) lastByte = value[value.length - 1];
    pending.push(value);
    pendingBytes += value.byteLength;
    await store(false);
  }
  await store(true);
  return { ok: true, bytes, lines: countLinesOf(lf, bytes, lastByte), sha256: hash.digest('hex'), head: head ?? new Uint8Array() };
}
