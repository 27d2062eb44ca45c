/**
 * Single entry point of the national master importers: streams a file (Shift_JIS or UTF-8) through csv-parse,
 * maps each record with the pure parser of its kind and upserts in batches of 500. Idempotent: re-importing a file
 * (or a newer version) updates rows in place; rows are never deleted. Progress goes to a MasterImport row; a run in
 * which any row failed ends as 'partial' (never 'done'), with the first MAX_STORED_ERRORS row errors kept.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { detectEncoding, iconvName, normalizeEncoding } from './encoding';
import { detectMasterKind } from './detect-kind';
import {
  createMasterImport,
  finishMasterImport,
  markMasterImportRunning,
  readMasterImportChunks,
  updateMasterImportProgress,
} from './master-import.repository';
import {
  applyGenericNames,
  resolveDiseaseMovesByKeyNumber,
  upsertMasterRows,
  analyzeMasterTables,
} from './master-upsert.repository';
import { parseSskDiseaseRow, parseSskDrugRow, parseSskModifierRow } from './parsers/ssk';
import { MEDIS_MOVED_KEY, parseMedisDiseaseRow, parseMedisModifierRow } from './parsers/medis';
import { headerMap, type HeaderMap } from './parsers/header';
import { parseJfagyRow } from './parsers/jfagy';
import { parseJlac10Row } from './parsers/jlac10';
import { parseJamiUsageRow } from './parsers/jami-usage';
import { parseGenericNameRow } from './parsers/generic-name';
import type {
  GenericNameRow,
  ImportError,
  ImportResult,
  MasterKind,
  MasterRow,
  MasterTable,
  ParseContext,
  ParseResult,
  SourceEncoding,
} from './types';

export const BATCH_SIZE = 500;
/** At most this many row errors are stored on the MasterImport row (errorCount has the total). */
export const MAX_STORED_ERRORS = 200;

type RecordParser = (fields: string[], header: HeaderMap | undefined, ctx: ParseContext) => ParseResult;

const PARSERS: Record<MasterKind, { parse: RecordParser; header: boolean; sourcePrefix: string }> = {
  'ssk-disease': { parse: (f, _h, c) => parseSskDiseaseRow(f, c), header: false, sourcePrefix: 'SSK' },
  'ssk-modifier': { parse: (f, _h, c) => parseSskModifierRow(f, c), header: false, sourcePrefix: 'SSK' },
  'ssk-drug': { parse: (f, _h, c) => parseSskDrugRow(f, c), header: false, sourcePrefix: 'SSK' },
  'medis-disease': { parse: (f, _h, c) => parseMedisDiseaseRow(f, c), header: false, sourcePrefix: 'MEDIS' },
  'medis-modifier': { parse: (f, _h, c) => parseMedisModifierRow(f, c), header: false, sourcePrefix: 'MEDIS' },
  'generic-name': { parse: (f, h, c) => parseGenericNameRow(f, h!, c), header: true, sourcePrefix: 'MHLW' },
  jfagy: { parse: (f, h, c) => parseJfagyRow(f, h!, c), header: true, sourcePrefix: 'J-FAGY' },
  jlac10: { parse: (f, h, c) => parseJlac10Row(f, h!, c), header: true, sourcePrefix: 'JLAC10' },
  'jami-usage': { parse: (f, h, c) => parseJamiUsageRow(f, h!, c), header: true, sourcePrefix: 'JAMI' },
};

export interface ImportMasterOptions {
  /** omitted or 'auto': detected from the file name, then from the first record */
  kind?: MasterKind | 'auto';
  filePath?: string;
  buffer?: Uint8Array;
  /** a run created by the upload route: the file is read from its MasterImportChunk rows and progress goes to it */
  uploadId?: string;
  /** required with `buffer`; defaults to the base name of filePath */
  fileName?: string;
  /** default: detected (valid UTF-8 → utf8, otherwise Shift_JIS) */
  encoding?: SourceEncoding | 'shift_jis' | 'cp932' | 'utf-8';
  /** 差分 file: 変更/廃止 rows fill only their non-empty fields. Default: y files other than y_ALL… */
  changeFile?: boolean;
  startedById?: string | null;
  /** called after every batch (the CLI prints it; the admin page polls the MasterImport row instead) */
  onProgress?: (p: { processedRows: number; totalRows: number }) => void;
}

async function readHead(options: ImportMasterOptions): Promise<Uint8Array> {
  if (options.buffer) return options.buffer.subarray(0, 64 * 1024);
  if (options.uploadId) {
    for await (const chunk of readMasterImportChunks(options.uploadId)) return chunk.subarray(0, 64 * 1024);
    return new Uint8Array();
  }
  const handle = await open(options.filePath!, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function sourceStream(options: ImportMasterOptions): Readable {
  if (options.buffer) return Readable.from([Buffer.from(options.buffer)]);
  if (options.uploadId) return Readable.from(readMasterImportChunks(options.uploadId));
  return createReadStream(options.filePath!);
}

/** Lines in the file (LF count, plus a last line without LF): the progress bar's total. */
async function countLines(options: ImportMasterOptions): Promise<number> {
  let lines = 0;
  let last = 0x0a;
  for await (const chunk of sourceStream(options) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 0x0a) lines++;
    if (chunk.length) last = chunk[chunk.length - 1];
  }
  return last === 0x0a ? lines : lines + 1;
}

export function defaultChangeFile(kind: MasterKind, fileName: string): boolean {
  return kind === 'ssk-drug' && !/y_?all/i.test(fileName);
}

export function sourceLabel(kind: MasterKind, fileName: string): string {
  return `${PARSERS[kind].sourcePrefix} ${basename(fileName).replace(/\.[^.]+$/, '')}`;
}

export async function importMasterFile(options: ImportMasterOptions): Promise<ImportResult> {
  const started = Date.now();
  if (!options.buffer && !options.filePath && !options.uploadId) throw new Error('filePath か buffer を指定してください');
  const fileName = options.fileName ?? (options.filePath ? basename(options.filePath) : undefined);
  if (!fileName) throw new Error('buffer には fileName が必要です');
  const head = await readHead(options);
  const kind = !options.kind || options.kind === 'auto' ? detectMasterKind(fileName, head) : options.kind;
  if (!kind) throw new Error(`マスター種別を判定できません: ${fileName} (kind を指定してください)`);
  const encoding = normalizeEncoding(options.encoding) ?? detectEncoding(head);
  const spec = PARSERS[kind];
  const lines = await countLines(options);
  const totalRows = Math.max(0, lines - (spec.header ? 1 : 0));
  const importId = options.uploadId ?? (await createMasterImport({ kind, fileName, totalRows, startedById: options.startedById }));
  if (options.uploadId) await markMasterImportRunning(importId, totalRows, kind);

  const ctx: ParseContext = {
    changeFile: options.changeFile ?? defaultChangeFile(kind, fileName),
    source: sourceLabel(kind, fileName),
    state: {},
  };
  const errors: ImportError[] = [];
  let errorCount = 0;
  const addError = (row: number, message: string) => {
    errorCount++;
    if (errors.length < MAX_STORED_ERRORS) errors.push({ row, message });
  };
  const touchedTables = new Set<MasterTable>();
  const counts = { processedRows: 0, inserted: 0, updated: 0, abolished: 0 };
  let skippedOlder = 0;
  let batch: { row: MasterRow; line: number }[] = [];
  let batchCodes = new Set<string>();
  const generic: GenericNameRow[] = [];
  const medisMoves: { code: string; movedToKeyNumber: string }[] = [];

  const report = async () => {
    await updateMasterImportProgress(importId, { ...counts, errorCount, totalRows: Math.max(totalRows, counts.processedRows) });
    options.onProgress?.({ processedRows: counts.processedRows, totalRows: Math.max(totalRows, counts.processedRows) });
  };

  const writeRows = async (items: { row: MasterRow; line: number }[]) => {
    touchedTables.add(items[0].row.table);
    const outcome = await upsertMasterRows(items[0].row.table, items.map((i) => i.row));
    counts.inserted += outcome.inserted;
    counts.updated += outcome.updated;
    skippedOlder += outcome.skippedOlder;
    for (const code of outcome.missing) {
      const line = items.find((i) => i.row.values.code === code)?.line ?? 0;
      addError(line, `変更行のコード ${code} がマスターにありません (新規行として名称が必要です)`);
    }
    const missing = new Set(outcome.missing);
    counts.abolished += items.filter((i) => i.row.values.abolishedOn && !missing.has(i.row.values.code as string)).length;
  };

  const flush = async () => {
    if (batch.length === 0) return;
    const items = batch;
    batch = [];
    batchCodes = new Set();
    try {
      await writeRows(items);
    } catch {
      // isolate the bad row(s): retry one by one, so one broken record does not fail the file
      for (const item of items) {
        try {
          await writeRows([item]);
        } catch (e) {
          addError(item.line, `保存できません: ${(e as Error).message.split('\n').slice(-1)[0]}`);
        }
      }
    }
    await report();
  };

  let status: 'done' | 'partial' | 'failed' = 'done';
  try {
    const parser = sourceStream(options)
      .pipe(iconv.decodeStream(iconvName(encoding)))
      .pipe(parse({ relax_column_count: true, relax_quotes: true, skip_empty_lines: true, bom: true, trim: false }));
    let header: HeaderMap | undefined;
    let line = 0;
    for await (const fields of parser as AsyncIterable<string[]>) {
      line++;
      if (spec.header && !header) {
        header = headerMap(fields);
        continue;
      }
      counts.processedRows++;
      const result = spec.parse(fields, header, ctx);
      if (!result.ok) {
        addError(line, result.error);
      } else if ('generic' in result) {
        generic.push(result.generic);
      } else if ('row' in result) {
        const { row } = result;
        const moveKey = row.values[MEDIS_MOVED_KEY];
        delete row.values[MEDIS_MOVED_KEY];
        if (typeof moveKey === 'string') medisMoves.push({ code: row.values.code as string, movedToKeyNumber: moveKey });
        const code = row.values.code as string;
        if (batchCodes.has(code)) await flush(); // a code twice in one INSERT … ON CONFLICT is an error
        batch.push({ row, line });
        batchCodes.add(code);
        if (batch.length >= BATCH_SIZE) await flush();
      }
    }
    await flush();
    if (medisMoves.length) await resolveDiseaseMovesByKeyNumber(medisMoves);
    if (generic.length) counts.updated += await applyGenericNames(generic);
    if (counts.processedRows >= 1000) await analyzeMasterTables([...touchedTables]);
    if (counts.processedRows > 0 && errorCount >= counts.processedRows) status = 'failed';
    else if (errorCount > 0) status = 'partial';
  } catch (e) {
    status = 'failed';
    addError(counts.processedRows, `取り込みを中断しました: ${(e as Error).message}`);
  }
  const finalTotal = status !== 'failed' ? counts.processedRows : Math.max(totalRows, counts.processedRows);
  await finishMasterImport(importId, { status, ...counts, totalRows: finalTotal, errors, errorCount });
  return {
    importId,
    kind,
    status,
    totalRows: finalTotal,
    ...counts,
    skippedOlder,
    errorCount,
    errors,
    durationMs: Date.now() - started,
  };
}
