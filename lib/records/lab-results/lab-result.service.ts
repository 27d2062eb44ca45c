/**
 * 検査結果: manual entry by nurses and doctors, lab-company CSV import, corrections (new versions) and the
 * chart views (latest values, trend, table). Results are final on entry; an edit is version n+1 with a
 * reason and 取消 is a version with status entered_in_error (真正性). Every read and write is audited.
 */
import { randomUUID } from 'node:crypto';
import { AppError, notFound } from '@/lib/core/app-error';
import { db, runInTransaction, type Prisma, type Tx } from '@/lib/core/db';
import { fromJstLocal } from '@/lib/core/tz';
import { formatInTimeZone } from '@/lib/core/tz';
import { recordAuditEvent, recordAuditEventNow } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { patientRepository } from '@/lib/records/patients/patient.repository';
import { openVisitToday } from '@/lib/reception/visit.service';
import { visitRepository } from '@/lib/reception/visit.repository';
import { parseLabCsv, type LabCsvRow } from './lab-csv';
import type { LabEntry } from './lab-entry.schema';
import { labEntryItemSchema } from './lab-entry.schema';
import {
  computeLabFlag,
  JLAC10_SPECIMENS,
  LAB_ITEMS,
  LAB_ITEMS_BY_KEY,
  normalizeLabTextValue,
  referenceRangeFor,
  type LabFlag,
  type LabItem,
  type LabSex,
} from './lab-items';
import {
  formatLabNumber,
  formatReferenceRange,
  num,
  toLabResultDto,
  type LabImportResultDto,
  type LabImportRowDto,
  type LabResultDto,
  type LabTableDto,
  type LabTrendDto,
} from './lab-result.dto';
import { labResultRepository } from './lab-result.repository';
import { LAB_CSV_MAX_BYTES, type CorrectLabResultInput, type ImportLabCsvInput, type MarkLabResultEnteredInErrorInput } from './lab-result.schema';
import { appendRecordVersion, createLabResults, createRecords } from '@/lib/records/write-path';
import { recordDepartmentRepository } from '@/lib/records/record-department.repository';
import { linkLabResultsToOrders, unlinkLabResultFromOrders } from '@/lib/records/lab-orders/lab-order.service';

/** Decimal(14,4): anything this large is a typing error. */
const MAX_VALUE = 1e10;
/** clocks of the lab and the clinic differ a little */
const FUTURE_TOLERANCE_MS = 10 * 60_000;

const invalid = (message: string, field?: string) => new AppError('INVALID_INPUT', message, field ? { [field]: message } : undefined);

const labSex = (sex: string): LabSex | null => (sex === 'male' || sex === 'female' ? sex : null);

const ITEM_ORDER = new Map(LAB_ITEMS.map((i, n) => [i.key, n]));
const byItemOrder = (a: string, b: string) => (ITEM_ORDER.get(a) ?? 1e6) - (ITEM_ORDER.get(b) ?? 1e6) || a.localeCompare(b);

const SPECIMEN_CODE_BY_NAME = new Map<string, string>();
for (const [code, s] of Object.entries(JLAC10_SPECIMENS)) {
  if (!SPECIMEN_CODE_BY_NAME.has(s.short)) SPECIMEN_CODE_BY_NAME.set(s.short, code);
  SPECIMEN_CODE_BY_NAME.set(s.name, code);
}
const isUrine = (code: string) => ['001', '002', '003', '004'].includes(code);

/** The JLAC10 specimen code of a 材料 name; null when the name is not one we know (stored as text only). */
function specimenCodeFor(item: LabItem | null, specimen: string): string | null {
  const s = specimen.normalize('NFKC').trim();
  if (item && s === item.specimen) return item.specimenCode;
  return SPECIMEN_CODE_BY_NAME.get(s) ?? null;
}

function checkSpecimen(item: LabItem, specimen: string, field: string): string | null {
  const code = specimenCodeFor(item, specimen);
  if (code && isUrine(code) !== isUrine(item.specimenCode)) {
    throw invalid(`${item.nameJa}の材料に「${specimen}」は使えません（${JLAC10_SPECIMENS[item.specimenCode]?.short ?? item.specimen}の検査です）`, field);
  }
  return code;
}

function checkCollectedAt(collectedAt: Date, birthDate: Date, now: Date, field = 'collectedAt') {
  if (collectedAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) throw invalid('採取日時が未来の日時になっています', field);
  // birthDate is a calendar date in JST
  if (collectedAt.getTime() < birthDate.getTime() - 9 * 3600_000) throw invalid('採取日時が生年月日より前になっています', field);
}

/** The value as stored: numbers for numeric items (0 ≤ v < 1e10), the normalised text for qualitative ones. */
function checkValue(item: LabItem, valueNumber: number | null, valueText: string | null, field: string): { valueNumber: number | null; valueText: string | null } {
  if (item.valueType === 'numeric') {
    if (valueNumber == null || !Number.isFinite(valueNumber)) throw invalid(`${item.nameJa}の結果値は数値で入力してください`, field);
    if (valueNumber < 0) throw invalid(`${item.nameJa}の結果値は0以上で入力してください`, field);
    if (valueNumber >= MAX_VALUE) throw invalid(`${item.nameJa}の結果値が大きすぎます。入力を確認してください`, field);
    return { valueNumber, valueText: null };
  }
  const text = valueText == null ? null : normalizeLabTextValue(item, valueText);
  if (!text) throw invalid(`${item.nameJa}の結果値は ${(item.ordinalValues ?? []).join('、')} のいずれかで入力してください`, field);
  return { valueNumber: null, valueText: text };
}

/** Flag for items outside the table (no item definition): the stored range only. */
function flagAgainst(value: number | null, low: number | null, high: number | null): LabFlag | null {
  if (value == null || (low == null && high == null)) return null;
  if (high != null && value > high) return 'H';
  if (low != null && value < low) return 'L';
  return 'N';
}

async function loadPatient(patientId: string, actor: Principal, resourceType = 'lab_result') {
  const patient = await patientRepository.findById(db(), { clinicId: actor.clinicId, patientId });
  if (!patient) {
    await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType, resourceId: patientId, outcome: 'failure', detail: { reason: 'not_found' }, ctx: actor.ctx });
    throw notFound();
  }
  return patient;
}

async function resolveVisitId(patientId: string, visitId: string | undefined, actor: Principal): Promise<string | null> {
  if (visitId) {
    const visit = await visitRepository.find(db(), actor.clinicId, visitId);
    if (!visit || visit.patientId !== patientId) throw notFound();
    return visit.id;
  }
  return (await openVisitToday(patientId, actor))?.id ?? null;
}

/**
 * 検査結果の手入力: one collection (採取日時, 材料) with several items, written in one transaction.
 * Flags use the JCCLS range for the patient's sex; the row keeps JLAC10, a local code (the item key) and the range
 * so the result can be sent as JP-CLINS later. Attached to today's open visit unless one is given.
 */
export async function recordLabResults(input: LabEntry, actor: Principal): Promise<LabResultDto[]> {
  await requirePermission(actor, 'lab.write');
  const patient = await patientRepository.findById(db(), { clinicId: actor.clinicId, patientId: input.patientId });
  if (!patient) throw notFound();
  const visitId = await resolveVisitId(patient.id, input.visitId, actor);
  const now = new Date();
  checkCollectedAt(input.collectedAt, patient.birthDate, now);
  const sex = labSex(patient.sex);
  // one entry (one collection) is one lab report: the unit JP-CLINS shares
  const reportId = randomUUID();
  return runInTransaction(async (tx) => {
    const departmentCode = await recordDepartmentRepository.defaultDepartmentCode(tx, { clinicId: actor.clinicId, visitId, userId: actor.userId });
    // 依頼医: the doctor entering it, else the visit's doctor (a nurse transcribing a result)
    const orderingDoctorId = actor.role === 'doctor' ? actor.userId : await visitDoctorId(tx, visitId, actor);
    const rows: Omit<Prisma.LabResultUncheckedCreateInput, 'clinicId'>[] = [];
    for (const [i, entry] of input.items.entries()) {
      const item = LAB_ITEMS_BY_KEY.get(entry.itemKey);
      if (!item) throw invalid(`検査項目「${entry.itemKey}」は登録されていません`, `items.${i}.itemKey`);
      const value = checkValue(item, entry.valueNumber, entry.valueText, `items.${i}.value`);
      const specimen = entry.specimen || input.specimen;
      const specimenCode = checkSpecimen(item, specimen, `items.${i}.specimen`);
      const range = referenceRangeFor(item, sex);
      const id = randomUUID();
      rows.push({
          id,
          lineageId: id,
          version: 1,
          isLatest: true,
          status: 'final',
          patientId: patient.id,
          visitId,
          itemKey: item.key,
          jlac10: item.jlac10,
          localCode: item.key,
          itemName: item.nameJa,
          ...value,
          unit: item.unit,
          referenceLow: range?.low ?? null,
          referenceHigh: range?.high ?? null,
          referenceText: item.valueType === 'ordinal' ? (item.normalValue ?? null) : null,
          flag: computeLabFlag({ item, value: value.valueNumber ?? value.valueText, sex }),
          specimen,
          specimenCode,
          collectedAt: input.collectedAt,
          reportedAt: now,
          source: 'manual',
          reportId,
          departmentCode,
          orderingDoctorId,
          recordedById: actor.userId,
      });
    }
    const saved = await createRecords(tx, actor, 'lab_result', rows, { source: 'manual', visitId });
    // 検査オーダー: a result for an ordered item marks it (0070)
    await linkLabResultsToOrders(tx, actor, saved);
    return saved.map(toLabResultDto);
  });
}

async function visitDoctorId(tx: Tx, visitId: string | null, actor: Principal): Promise<string | null> {
  if (!visitId) return null;
  return (await visitRepository.find(tx, actor.clinicId, visitId))?.doctorId ?? null;
}

/** 患者番号 as the clinic numbers patients: digits only (leading zeros allowed). */
function parsePatientNumber(text: string): number | null {
  const s = text.normalize('NFKC').trim();
  if (!/^\d{1,9}$/.test(s)) return null;
  return Number(s);
}

function decodeContent(input: ImportLabCsvInput): Buffer | string {
  if (input.contentEncoding === 'text') return input.content;
  const s = input.content.replace(/^data:[^,]*,/, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw invalid('ファイルの内容を読み取れませんでした。もう一度選択してください。', 'content');
  return Buffer.from(s, 'base64');
}

type ImportCandidate = { row: LabCsvRow; patient: { id: string; patientNumber: number; familyName: string; givenName: string }; data: Omit<Prisma.LabResultCreateManyInput, 'clinicId' | 'id' | 'lineageId' | 'importBatchId' | 'recordedById' | 'reportedAt' | 'reportId'> };

/**
 * 検査会社CSVの取込. Preview (nothing written) or commit (all valid rows in one transaction, source 'csv', one
 * importBatchId). Patients are found by 患者番号 within the actor's clinic only; unknown numbers, rows the parser
 * rejects and results already on file are reported per line and never written.
 */
export async function importLabCsv(input: ImportLabCsvInput, actor: Principal): Promise<LabImportResultDto> {
  await requirePermission(actor, 'lab.write');
  const content = decodeContent(input);
  const size = typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
  if (size > LAB_CSV_MAX_BYTES) throw invalid(`ファイルが大きすぎます（${Math.floor(LAB_CSV_MAX_BYTES / 1024)}KBまで。分割して取り込んでください）`, 'content');
  const parsed = parseLabCsv(content);
  const errors = parsed.errors.map((e) => ({ line: e.line, message: e.message }));

  const numbers = [...new Set(parsed.rows.map((r) => parsePatientNumber(r.patientNumber)).filter((n): n is number => n != null))];
  const patients = await labResultRepository.patientsByNumber(db(), { clinicId: actor.clinicId, numbers });
  const byNumber = new Map(patients.map((p) => [p.patientNumber, p]));
  const now = new Date();

  let candidates: ImportCandidate[] = [];
  for (const row of parsed.rows) {
    const n = parsePatientNumber(row.patientNumber);
    const patient = n == null ? undefined : byNumber.get(n);
    if (!patient) {
      errors.push({ line: row.line, message: `${row.line}行目: 患者番号「${row.patientNumber}」の患者がこの医療機関に見つかりません` });
      continue;
    }
    try {
      checkCollectedAt(row.collectedAt, patient.birthDate, now);
    } catch (e) {
      errors.push({ line: row.line, message: `${row.line}行目: ${(e as Error).message}` });
      continue;
    }
    if (row.valueNumber != null && Math.abs(row.valueNumber) >= MAX_VALUE) {
      errors.push({ line: row.line, message: `${row.line}行目: 結果値「${row.valueNumber}」が大きすぎます` });
      continue;
    }
    const item = row.item;
    const sex = labSex(patient.sex);
    const hasLabRange = row.referenceLow != null || row.referenceHigh != null;
    const tableRange = item && !hasLabRange ? referenceRangeFor(item, sex) : undefined;
    const flag = item
      ? computeLabFlag({ item, value: row.valueNumber ?? row.valueText, sex, referenceLow: row.referenceLow, referenceHigh: row.referenceHigh })
      : row.flag;
    const specimen = row.specimen ?? item?.specimen ?? '不明';
    candidates.push({
      row,
      patient,
      data: {
        version: 1,
        isLatest: true,
        status: 'final',
        patientId: patient.id,
        visitId: null,
        itemKey: item?.key ?? `local:${row.localCode}`,
        // a lab that sent its own code for a 43+5 item: the item's representative JLAC10 (as for manual entry)
        jlac10: row.jlac10 ?? item?.jlac10 ?? null,
        localCode: row.localCode,
        itemName: item?.nameJa ?? row.itemName,
        valueNumber: row.valueNumber,
        // keep what the lab wrote when it qualified the number ('<0.02')
        valueText: row.comparator && row.valueNumber != null ? `${row.comparator}${row.valueNumber}` : row.valueText,
        unit: row.unit,
        referenceLow: hasLabRange ? row.referenceLow : (tableRange?.low ?? null),
        referenceHigh: hasLabRange ? row.referenceHigh : (tableRange?.high ?? null),
        referenceText: item?.valueType === 'ordinal' ? (item.normalValue ?? null) : null,
        flag,
        specimen,
        specimenCode: row.specimenCode ?? (item ? specimenCodeFor(item, specimen) : null),
        collectedAt: row.collectedAt,
        source: 'csv',
        performer: row.performer,
      },
    });
  }

  // the same file (or an overlapping one) imported twice must not duplicate results
  const existing = await labResultRepository.existingKeys(db(), {
    clinicId: actor.clinicId,
    patientIds: [...new Set(candidates.map((c) => c.patient.id))],
    collectedAts: [...new Set(candidates.map((c) => c.row.collectedAt.getTime()))].map((t) => new Date(t)),
  });
  const onFile = new Set(existing.map((e) => `${e.patientId}\u0000${e.itemKey}\u0000${e.collectedAt.getTime()}`));
  candidates = candidates.filter((c) => {
    if (!onFile.has(`${c.patient.id}\u0000${c.data.itemKey}\u0000${c.row.collectedAt.getTime()}`)) return true;
    errors.push({ line: c.row.line, message: `${c.row.line}行目: 同じ患者・項目・採取日時の結果が既に登録されています（${c.row.itemName}）` });
    return false;
  });
  errors.sort((a, b) => a.line - b.line);

  const rows: LabImportRowDto[] = candidates.map(({ row, patient, data }) => {
    const item = row.item;
    return {
      line: row.line,
      patientNumber: row.patientNumber,
      patientId: patient.id,
      patientName: `${patient.familyName} ${patient.givenName}`,
      itemKey: data.itemKey,
      itemName: data.itemName,
      labItemName: row.itemName,
      matchedBy: row.matchedBy,
      jlac10: data.jlac10 ?? null,
      localCode: row.localCode,
      valueDisplay: data.valueText ?? (row.valueNumber != null ? formatLabNumber(row.valueNumber, item) : ''),
      unitDisplay: item ? item.unitDisplay : row.unit,
      referenceLabel: formatReferenceRange(data.referenceLow as number | null, data.referenceHigh as number | null, data.referenceText),
      flag: (data.flag as LabFlag | null) ?? null,
      specimen: data.specimen,
      collectedAtJst: formatInTimeZone(row.collectedAt, 'yyyy/MM/dd HH:mm'),
    };
  });
  const base = { fileName: input.fileName, encoding: parsed.encoding, rows, errors };

  if (input.mode === 'preview') {
    await recordAuditEventNow({
      clinicId: actor.clinicId,
      actor,
      action: 'read',
      resourceType: 'lab_import_preview',
      detail: { fileName: input.fileName, validRows: rows.length, errorRows: new Set(errors.map((e) => e.line)).size, patientIds: [...new Set(rows.map((r) => r.patientId))] },
      ctx: actor.ctx,
    });
    return { mode: 'preview', ...base, importBatchId: null, writtenCount: 0 };
  }

  if (candidates.length === 0) throw new AppError('INVALID_INPUT', '取り込める行がありません。エラーの内容を確認してください。');
  const importBatchId = randomUUID();
  const written = await runInTransaction(
    async (tx) => {
      // one lab report per patient and collection time within the file
      const reportIds = new Map<string, string>();
      const reportIdOf = (c: ImportCandidate) => {
        const key = `${c.patient.id}\u0000${c.row.collectedAt.getTime()}`;
        if (!reportIds.has(key)) reportIds.set(key, randomUUID());
        return reportIds.get(key)!;
      };
      const data = candidates.map((c) => {
        const id = randomUUID();
        return { ...c.data, id, lineageId: id, importBatchId, reportId: reportIdOf(c), recordedById: actor.userId, reportedAt: now };
      });
      const count = await createLabResults(tx, actor, data, { source: 'csv', importBatchId });
      await linkLabResultsToOrders(tx, actor, data.map((d) => ({ ...d, collectedAt: new Date(d.collectedAt) })));
      const perPatient = new Set(data.map((d) => d.patientId));
      await recordAuditEvent(tx, {
        clinicId: actor.clinicId,
        actor,
        action: 'import',
        resourceType: 'lab_result_import',
        resourceId: importBatchId,
        detail: { fileName: input.fileName, encoding: parsed.encoding, written: count, errorRows: new Set(errors.map((e) => e.line)).size, patients: perPatient.size },
        ctx: actor.ctx,
      });
      return count;
    },
    { timeoutMs: 60_000 },
  );
  return { mode: 'commit', ...base, importBatchId, writtenCount: written };
}

async function loadCurrentForChange(id: string, actor: Principal) {
  const cur = await labResultRepository.findById(db(), { clinicId: actor.clinicId, id });
  if (!cur) throw notFound();
  if (!cur.isLatest) throw new AppError('CONFLICT', 'この検査結果は既に訂正されています。画面を再読み込みしてください。');
  if (cur.status === 'entered_in_error') throw new AppError('PRECONDITION_FAILED', '取り消された検査結果は変更できません。');
  return cur;
}

type LabRow = NonNullable<Awaited<ReturnType<typeof labResultRepository.findById>>>;

/** Version n+1 of a result: everything copied, then `changes`; the previous row is only marked superseded. */
function nextVersion(cur: LabRow, actor: Principal, changes: Partial<Prisma.LabResultUncheckedCreateInput>): Omit<Prisma.LabResultUncheckedCreateInput, 'clinicId'> {
  const { id: _id, clinicId: _cl, createdAt: _c, supersededAt: _s, ...copy } = cur;
  return { ...copy, id: randomUUID(), version: cur.version + 1, isLatest: true, recordedById: actor.userId, ...changes };
}

/** 訂正: a new version with the corrected value (flag recomputed against the stored range) and the reason. */
export async function correctLabResult(input: CorrectLabResultInput, actor: Principal): Promise<LabResultDto> {
  await requirePermission(actor, 'lab.write');
  const cur = await loadCurrentForChange(input.id, actor);
  const item = LAB_ITEMS_BY_KEY.get(cur.itemKey) ?? null;
  let valueNumber: number | null;
  let valueText: string | null;
  if (item) {
    const parsed = labEntryItemSchema.safeParse({ itemKey: item.key, value: input.value });
    if (!parsed.success) throw invalid(parsed.error.issues[0]?.message ?? '結果値が正しくありません', 'value');
    ({ valueNumber, valueText } = checkValue(item, parsed.data.valueNumber, parsed.data.valueText, 'value'));
  } else if (cur.valueNumber != null) {
    const s = input.value.normalize('NFKC').trim().replace(/,/g, '');
    if (!/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/.test(s) || Math.abs(Number(s)) >= MAX_VALUE) throw invalid(`${cur.itemName}の結果値は数値で入力してください`, 'value');
    valueNumber = Number(s);
    valueText = null;
  } else {
    valueNumber = null;
    valueText = input.value.normalize('NFKC').trim();
  }
  const low = num(cur.referenceLow);
  const high = num(cur.referenceHigh);
  const flag = item ? computeLabFlag({ item, value: valueNumber ?? valueText, referenceLow: low, referenceHigh: high }) : flagAgainst(valueNumber, low, high);
  const now = new Date();
  return runInTransaction(async (tx) => {
    const saved = await appendRecordVersion(tx, actor, 'lab_result', 'version', cur, nextVersion(cur, actor, { valueNumber, valueText, flag, changeReason: input.reason }), {
      itemKey: cur.itemKey,
      changedFields: ['value', 'flag'],
    });
    return toLabResultDto(saved);
  });
}

/** 取消（入力誤り）: a new version with status entered_in_error; the result disappears from summaries and trends. */
export async function markLabResultEnteredInError(input: MarkLabResultEnteredInErrorInput, actor: Principal): Promise<LabResultDto> {
  await requirePermission(actor, 'lab.write');
  const cur = await loadCurrentForChange(input.id, actor);
  const now = new Date();
  return runInTransaction(async (tx) => {
    const saved = await appendRecordVersion(tx, actor, 'lab_result', 'cancel', cur, nextVersion(cur, actor, { status: 'entered_in_error', changeReason: input.reason }), { itemKey: cur.itemKey });
    // the order that asked for it waits for a result again (0070)
    await unlinkLabResultFromOrders(tx, actor, cur);
    return toLabResultDto(saved);
  });
}

/** Every version of one result (履歴), newest first. */
export async function getLabResultHistory(id: string, actor: Principal): Promise<LabResultDto[]> {
  await requirePermission(actor, 'chart.read');
  const row = await labResultRepository.findById(db(), { clinicId: actor.clinicId, id });
  if (!row) throw notFound();
  const versions = await labResultRepository.listVersions(db(), { clinicId: actor.clinicId, lineageId: row.lineageId });
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: 'lab_result_history', resourceId: row.lineageId, patientId: row.patientId, ctx: actor.ctx });
  return versions.map(toLabResultDto);
}

/** カルテの検査サマリ: the latest current value per item, in code-set order. */
export async function listLatestLabs(patientId: string, actor: Principal): Promise<LabResultDto[]> {
  await requirePermission(actor, 'chart.read');
  const patient = await loadPatient(patientId, actor);
  const rows = await labResultRepository.latestPerItem(db(), { clinicId: actor.clinicId, patientId: patient.id });
  const out = rows.map(toLabResultDto).sort((a, b) => byItemOrder(a.itemKey, b.itemKey));
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: 'lab_result', patientId: patient.id, detail: { view: 'latest', count: out.length }, ctx: actor.ctx });
  return out;
}

/** 推移: one series per requested item (oldest first) with the reference range that applies to this patient. */
export async function getLabTrend(patientId: string, itemKeys: string[], actor: Principal): Promise<LabTrendDto[]> {
  await requirePermission(actor, 'chart.read');
  const patient = await loadPatient(patientId, actor);
  const keys = [...new Set(itemKeys)].slice(0, 100);
  const rows = keys.length ? await labResultRepository.listForItems(db(), { clinicId: actor.clinicId, patientId: patient.id, itemKeys: keys }) : [];
  const sex = labSex(patient.sex);
  const byKey = new Map<string, typeof rows>();
  for (const r of rows) byKey.set(r.itemKey, [...(byKey.get(r.itemKey) ?? []), r]);
  const out = keys.map((key): LabTrendDto => {
    const item = LAB_ITEMS_BY_KEY.get(key) ?? null;
    const series = (byKey.get(key) ?? []).map(toLabResultDto);
    const last = series.at(-1);
    const table = item ? referenceRangeFor(item, sex) : undefined;
    const reference = table
      ? { low: table.low ?? null, high: table.high ?? null }
      : last && (last.referenceLow != null || last.referenceHigh != null)
        ? { low: last.referenceLow, high: last.referenceHigh }
        : null;
    return {
      itemKey: key,
      itemName: item?.nameJa ?? last?.itemName ?? key,
      unitDisplay: item ? item.unitDisplay : (last?.unit ?? null),
      numeric: item ? item.valueType === 'numeric' : series.some((p) => p.valueNumber != null),
      reference,
      referenceLabel: formatReferenceRange(reference?.low, reference?.high, item?.valueType === 'ordinal' ? item.normalValue : last?.referenceText),
      points: series.map((p) => ({ id: p.id, collectedAt: p.collectedAt, collectedAtJst: p.collectedAtJst, value: p.valueNumber, valueDisplay: p.valueDisplay, flag: p.flag })),
    };
  });
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: 'lab_result', patientId: patient.id, detail: { view: 'trend', itemKeys: keys }, ctx: actor.ctx });
  return out;
}

/** 時系列表: the last `limitDates` collection dates (JST, newest first) × items, the latest result per cell. */
export async function getLabTable(patientId: string, itemKeys: string[] | undefined, actor: Principal, options: { limitDates?: number } = {}): Promise<LabTableDto> {
  await requirePermission(actor, 'chart.read');
  const patient = await loadPatient(patientId, actor);
  const limit = Math.min(Math.max(Math.trunc(options.limitDates ?? 10), 1), 50);
  const scope = { clinicId: actor.clinicId, patientId: patient.id, itemKeys: itemKeys?.length ? [...new Set(itemKeys)] : undefined };
  const times = await labResultRepository.collectionTimes(db(), scope);
  const dates = [...new Set(times.map((t) => formatInTimeZone(t, 'yyyy-MM-dd')))].slice(0, limit);
  const rows = dates.length ? await labResultRepository.listForItems(db(), { ...scope, since: fromJstLocal(`${dates.at(-1)}T00:00`) }) : [];
  const sex = labSex(patient.sex);
  const dateIndex = new Map(dates.map((d, i) => [d, i]));
  const grid = new Map<string, { dto: LabResultDto; cells: LabTableDto['rows'][number]['cells'] }>();
  for (const r of rows) {
    const dto = toLabResultDto(r);
    const i = dateIndex.get(dto.collectedDate);
    if (i == null) continue;
    const entry = grid.get(dto.itemKey) ?? { dto, cells: dates.map(() => null) };
    // rows come oldest first: a later result of the same day replaces the earlier one
    entry.cells[i] = { id: dto.id, valueDisplay: dto.valueDisplay, flag: dto.flag, collectedAtJst: dto.collectedAtJst, version: dto.version };
    entry.dto = dto;
    grid.set(dto.itemKey, entry);
  }
  const keys = scope.itemKeys ? scope.itemKeys.filter((k) => grid.has(k)) : [...grid.keys()].sort(byItemOrder);
  const out: LabTableDto = {
    dates,
    rows: keys.map((key) => {
      const { dto, cells } = grid.get(key)!;
      const item = LAB_ITEMS_BY_KEY.get(key) ?? null;
      const table = item ? referenceRangeFor(item, sex) : undefined;
      return {
        itemKey: key,
        itemName: dto.itemName,
        unitDisplay: dto.unitDisplay,
        referenceLabel: table ? formatReferenceRange(table.low, table.high) : formatReferenceRange(dto.referenceLow, dto.referenceHigh, dto.referenceText),
        cells,
      };
    }),
  };
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: 'lab_result', patientId: patient.id, detail: { view: 'table', dates: dates.length, itemKeys: keys }, ctx: actor.ctx });
  return out;
}
