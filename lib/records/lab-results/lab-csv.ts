/**
 * Parser for a lab company's result CSV (検査会社の結果CSV). Pure: no I/O, no database.
 *
 * Accepted format (also in docs/lab-csv-format.md):
 * - Encoding UTF-8 (with or without BOM) or Shift_JIS (CP932). `encoding: 'auto'` (default)
 *   takes UTF-8 when the bytes are valid UTF-8, otherwise CP932.
 * - Comma separated, RFC 4180 quoting, first line is the header. Empty lines are skipped.
 * - One result per line. Columns (header names matched ignoring width, case, spaces and
 *   brackets; English aliases accepted):
 *     患者番号      required  patientNumber, patient_id, 患者ID, カルテ番号
 *     採取日時      required  YYYY-MM-DD HH:mm[:ss], YYYY/MM/DD[ HH:mm], YYYYMMDD; JST (+09:00)
 *     項目コード    required  JLAC10 17 characters, or the lab's local code
 *     項目名        required  the lab's item name
 *     結果値        required  number (optionally prefixed < <= > >=) or qualitative text
 *     単位          optional  must name the table's unit for a matched item (never converted)
 *     基準値下限    optional  number
 *     基準値上限    optional  number
 *     材料          optional  血清, 血漿, 全血, 尿 … (default: the item's specimen)
 *     検査会社      optional  performer
 * - Item matching: a JLAC10 code via the code table; a local code via `opts.localCodeMap`
 *   (local code -> item key), else by the item name (aliases such as GOT/GPT/γ-GTP).
 *   Unmatched rows are still returned with `item: null` (stored as 'local:<code>').
 * Errors are per row with the physical line number (header = line 1) and a Japanese message;
 * a row with an error is not in `rows`.
 */
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import {
  computeLabFlag,
  findLabItem,
  findLabItemByJlac10,
  isJlac10,
  isUnitCompatible,
  JLAC10_SPECIMENS,
  LAB_ITEMS_BY_KEY,
  normalizeLabTextValue,
  type LabFlag,
  type LabItem,
} from './lab-items';

export type LabCsvEncoding = 'auto' | 'utf-8' | 'shift_jis';
export type LabComparator = '<' | '<=' | '>' | '>=';

export interface ParseLabCsvOptions {
  encoding?: LabCsvEncoding;
  /** the lab's local code -> item key of lab-items.ts */
  localCodeMap?: Readonly<Record<string, string>>;
  /** used when the CSV has no 検査会社 column / value */
  defaultPerformer?: string;
}

export interface LabCsvRow {
  /** physical line number in the file (header = 1) */
  line: number;
  patientNumber: string;
  collectedAt: Date;
  item: LabItem | null;
  matchedBy: 'jlac10' | 'localCode' | 'name' | null;
  /** JLAC10 code when the 項目コード was one */
  jlac10: string | null;
  /** the code as sent by the lab (JP-CLINS requires a local code) */
  localCode: string;
  itemName: string;
  valueNumber: number | null;
  valueText: string | null;
  comparator: LabComparator | null;
  unit: string | null;
  referenceLow: number | null;
  referenceHigh: number | null;
  specimen: string | null;
  specimenCode: string | null;
  performer: string | null;
  /** H/L/N from the lab's range when given (sex-independent); null otherwise */
  flag: LabFlag | null;
}

export interface LabCsvError {
  line: number;
  column?: LabCsvColumn;
  message: string;
}

export interface ParseLabCsvResult {
  rows: LabCsvRow[];
  errors: LabCsvError[];
  encoding: 'utf-8' | 'shift_jis';
}

export type LabCsvColumn =
  | 'patientNumber'
  | 'collectedAt'
  | 'code'
  | 'itemName'
  | 'value'
  | 'unit'
  | 'referenceLow'
  | 'referenceHigh'
  | 'specimen'
  | 'performer';

export const LAB_CSV_COLUMNS: Readonly<Record<LabCsvColumn, { label: string; required: boolean; aliases: readonly string[] }>> = {
  patientNumber: { label: '患者番号', required: true, aliases: ['患者番号', '患者ID', '患者コード', 'カルテ番号', 'カルテNo', 'patientNumber', 'patientNo', 'patientId', 'patient'] },
  collectedAt: { label: '採取日時', required: true, aliases: ['採取日時', '採取日', '採血日', '採血日時', '検体採取日時', '検体採取日', 'collectedAt', 'collectionDate', 'collectionDateTime', 'collected', 'specimenDate'] },
  code: { label: '項目コード', required: true, aliases: ['項目コード', '検査コード', '検査項目コード', 'コード', 'JLAC10', 'JLAC10コード', 'itemCode', 'testCode', 'code'] },
  itemName: { label: '項目名', required: true, aliases: ['項目名', '検査項目名', '検査項目', '検査名', 'itemName', 'testName', 'name'] },
  value: { label: '結果値', required: true, aliases: ['結果値', '結果', '測定値', '検査結果', '値', 'value', 'result'] },
  unit: { label: '単位', required: false, aliases: ['単位', 'unit', 'units'] },
  referenceLow: { label: '基準値下限', required: false, aliases: ['基準値下限', '基準下限', '基準値下限値', '下限', '下限値', 'referenceLow', 'refLow', 'low'] },
  referenceHigh: { label: '基準値上限', required: false, aliases: ['基準値上限', '基準上限', '基準値上限値', '上限', '上限値', 'referenceHigh', 'refHigh', 'high'] },
  specimen: { label: '材料', required: false, aliases: ['材料', '検体', '検体材料', '材料名', 'specimen', 'material'] },
  performer: { label: '検査会社', required: false, aliases: ['検査会社', '検査機関', '検査センター', '実施機関', 'performer', 'lab', 'laboratory'] },
};

function headerKey(s: string): string {
  return s.normalize('NFKC').trim().toLowerCase().replace(/[\s_\-()（）[\]【】「」・.]/g, '');
}
const HEADER_LOOKUP = new Map<string, LabCsvColumn>();
for (const [col, def] of Object.entries(LAB_CSV_COLUMNS) as [LabCsvColumn, (typeof LAB_CSV_COLUMNS)[LabCsvColumn]][]) {
  for (const a of def.aliases) HEADER_LOOKUP.set(headerKey(a), col);
}

/** Decode a Buffer as UTF-8 (BOM or valid bytes) or CP932. */
export function decodeLabCsv(input: Buffer | Uint8Array | string, encoding: LabCsvEncoding = 'auto'): { text: string; encoding: 'utf-8' | 'shift_jis' } {
  if (typeof input === 'string') return { text: input.replace(/^\uFEFF/, ''), encoding: 'utf-8' };
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (encoding === 'shift_jis') return { text: iconv.decode(buf, 'cp932'), encoding: 'shift_jis' };
  if (encoding === 'utf-8') return { text: iconv.decode(buf, 'utf8').replace(/^\uFEFF/, ''), encoding: 'utf-8' };
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return { text: text.replace(/^\uFEFF/, ''), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(buf, 'cp932'), encoding: 'shift_jis' };
  }
}

const DATE_RE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const COMPACT_DATE_RE = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$/;

/** 'YYYY-MM-DD HH:mm', 'YYYY/MM/DD', 'YYYYMMDD[HHmm]' as JST wall-clock time -> Date; null if invalid. */
export function parseJstDateTime(text: string): Date | null {
  const s = text.normalize('NFKC').trim();
  const m = DATE_RE.exec(s) ?? COMPACT_DATE_RE.exec(s);
  if (!m) return null;
  const [y, mo, d, h = '0', mi = '0', se = '0'] = m.slice(1).map((x) => x ?? undefined) as string[];
  const Y = Number(y), M = Number(mo), D = Number(d), H = Number(h ?? 0), MI = Number(mi ?? 0), S = Number(se ?? 0);
  if (M < 1 || M > 12 || D < 1 || H > 23 || MI > 59 || S > 59) return null;
  const utc = Date.UTC(Y, M - 1, D, H - 9, MI, S);
  const check = new Date(Date.UTC(Y, M - 1, D));
  if (check.getUTCMonth() !== M - 1 || check.getUTCDate() !== D) return null;
  return new Date(utc);
}

const NUMBER_RE = /^([<>]=?|≦|≧|≤|≥)?\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))$/;
function parseNumeric(text: string): { value: number; comparator: LabComparator | null } | null {
  const s = text.normalize('NFKC').trim().replace(/,/g, '');
  const m = NUMBER_RE.exec(s);
  if (!m) return null;
  const c = m[1];
  const comparator: LabComparator | null = !c ? null : c === '≦' || c === '≤' ? '<=' : c === '≧' || c === '≥' ? '>=' : (c as LabComparator);
  return { value: Number(m[2]), comparator };
}

const SPECIMEN_CODE_BY_NAME = new Map<string, string>([
  ['尿', '001'], ['尿(含むその他)', '001'], ['随時尿', '001'], ['蓄尿', '004'], ['全血', '018'], ['全血(添加物入り)', '019'],
  ['動脈血', '020'], ['毛細管血', '021'], ['血漿', '022'], ['血清', '023'],
]);

export function parseLabCsv(input: Buffer | Uint8Array | string, opts: ParseLabCsvOptions = {}): ParseLabCsvResult {
  const { text, encoding } = decodeLabCsv(input, opts.encoding);
  const rows: LabCsvRow[] = [];
  const errors: LabCsvError[] = [];

  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: true, info: true, trim: true }) as unknown as typeof records;
  } catch (e) {
    const line = (e as { lines?: number }).lines ?? 1;
    return { rows, errors: [{ line, message: `${line}行目: CSVの形式が不正です（引用符の閉じ忘れなど）` }], encoding };
  }
  if (records.length === 0) return { rows, errors: [{ line: 1, message: '1行目: ヘッダー行がありません' }], encoding };

  const header = records[0];
  const colIndex = new Map<LabCsvColumn, number>();
  header.record.forEach((h, i) => {
    const col = HEADER_LOOKUP.get(headerKey(h));
    if (col && !colIndex.has(col)) colIndex.set(col, i);
  });
  const missing = (Object.keys(LAB_CSV_COLUMNS) as LabCsvColumn[]).filter((c) => LAB_CSV_COLUMNS[c].required && !colIndex.has(c));
  if (missing.length) {
    const line = header.info.lines;
    return { rows, errors: [{ line, message: `${line}行目: 必須の列がありません: ${missing.map((c) => LAB_CSV_COLUMNS[c].label).join('、')}` }], encoding };
  }

  const seen = new Set<string>();
  for (const { record, info } of records.slice(1)) {
    // info.lines is the line the record ends on; report the line it starts on
    const line = info.lines - record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);
    const cell = (c: LabCsvColumn): string => {
      const i = colIndex.get(c);
      return i == null ? '' : (record[i] ?? '').normalize('NFKC').trim();
    };
    const rowErrors: LabCsvError[] = [];
    const fail = (column: LabCsvColumn, reason: string) => rowErrors.push({ line, column, message: `${line}行目: ${reason}` });

    const patientNumber = cell('patientNumber');
    if (!patientNumber) fail('patientNumber', '患者番号が空です');

    const collectedText = cell('collectedAt');
    const collectedAt = collectedText ? parseJstDateTime(collectedText) : null;
    if (!collectedText) fail('collectedAt', '採取日時が空です');
    else if (!collectedAt) fail('collectedAt', `採取日時「${collectedText}」を読み取れません（YYYY-MM-DD HH:mm または YYYY/MM/DD）`);

    const code = cell('code');
    const itemName = cell('itemName');
    if (!code) fail('code', '項目コードが空です');
    if (!itemName) fail('itemName', '項目名が空です');

    let item: LabItem | null = null;
    let matchedBy: LabCsvRow['matchedBy'] = null;
    const jlac10 = code && isJlac10(code.toUpperCase()) ? code.toUpperCase() : null;
    if (jlac10) {
      item = findLabItemByJlac10(jlac10);
      if (item) matchedBy = 'jlac10';
    } else if (code && opts.localCodeMap?.[code]) {
      item = LAB_ITEMS_BY_KEY.get(opts.localCodeMap[code]) ?? null;
      if (item) matchedBy = 'localCode';
    }
    if (!item && !jlac10 && itemName) {
      item = findLabItem(itemName);
      if (item) matchedBy = 'name';
    }

    const valueRaw = cell('value');
    let valueNumber: number | null = null;
    let valueText: string | null = null;
    let comparator: LabComparator | null = null;
    if (!valueRaw) fail('value', '結果値が空です');
    else if (item && item.valueType !== 'numeric') {
      valueText = normalizeLabTextValue(item, valueRaw);
      if (valueText == null) fail('value', `結果値「${valueRaw}」は${item.nameJa}の値として認識できません（${(item.ordinalValues ?? []).join('、')}）`);
    } else {
      const num = parseNumeric(valueRaw);
      if (num) {
        valueNumber = num.value;
        comparator = num.comparator;
      } else if (item) fail('value', `結果値「${valueRaw}」が数値ではありません（${item.nameJa}は数値項目です）`);
      else valueText = valueRaw;
    }

    const unitRaw = cell('unit');
    let unit: string | null = unitRaw || null;
    if (item) {
      if (item.valueType === 'numeric' && item.unit && !isUnitCompatible(item, unitRaw)) {
        fail('unit', `単位「${unitRaw}」が${item.nameJa}の単位「${item.unitDisplay}」と一致しません（単位の換算は行いません）`);
      } else if (item.valueType === 'numeric') unit = item.unit;
    }

    const refLow = parseRef(cell('referenceLow'), 'referenceLow', '基準値下限', fail);
    const refHigh = parseRef(cell('referenceHigh'), 'referenceHigh', '基準値上限', fail);
    if (refLow != null && refHigh != null && refLow > refHigh) fail('referenceHigh', `基準値下限（${refLow}）が上限（${refHigh}）より大きいです`);

    const specimenRaw = cell('specimen');
    const specimen = specimenRaw || item?.specimen || null;
    const specimenCode = specimenRaw
      ? (SPECIMEN_CODE_BY_NAME.get(specimenRaw) ?? null)
      : item
        ? item.specimenCode
        : null;
    if (specimenRaw && item && specimenCode && isUrine(specimenCode) !== isUrine(item.specimenCode)) {
      fail('specimen', `材料「${specimenRaw}」は${item.nameJa}の材料（${JLAC10_SPECIMENS[item.specimenCode]?.name}）と合いません`);
    }

    const performer = cell('performer') || opts.defaultPerformer || null;

    if (rowErrors.length === 0 && collectedAt) {
      const dupKey = `${patientNumber}\u0000${item?.key ?? `local:${code}`}\u0000${collectedAt.getTime()}`;
      if (seen.has(dupKey)) fail('code', `同じ患者・項目・採取日時の結果が重複しています（${itemName}）`);
      seen.add(dupKey);
    }

    if (rowErrors.length) {
      errors.push(...rowErrors);
      continue;
    }
    const flag = valueNumber != null && (refLow != null || refHigh != null)
      ? computeLabFlag({ item: item ?? pseudoNumeric, value: valueNumber, referenceLow: refLow, referenceHigh: refHigh })
      : item && item.valueType === 'ordinal' && valueText
        ? computeLabFlag({ item, value: valueText })
        : null;

    rows.push({
      line,
      patientNumber,
      collectedAt: collectedAt!,
      item,
      matchedBy,
      jlac10,
      localCode: code,
      itemName,
      valueNumber,
      valueText,
      comparator,
      unit,
      referenceLow: refLow,
      referenceHigh: refHigh,
      specimen,
      specimenCode,
      performer,
      flag,
    });
  }
  return { rows, errors, encoding };
}

function isUrine(specimenCode: string): boolean {
  return specimenCode === '001' || specimenCode === '004';
}

/** stand-in for unmatched numeric rows so the lab's own range can still flag them */
const pseudoNumeric = { valueType: 'numeric' } as LabItem;

function parseRef(text: string, column: LabCsvColumn, label: string, fail: (c: LabCsvColumn, reason: string) => void): number | null {
  if (!text) return null;
  const n = parseNumeric(text);
  if (!n || n.comparator) {
    fail(column, `${label}「${text}」が数値ではありません`);
    return null;
  }
  return n.value;
}
