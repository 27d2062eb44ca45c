/**
 * create Observation: a lab system pushes a result. It becomes a LabResult written through lib/records/write-path.ts
 * (row, audit event naming the app, sharing outbox: exactly what an entered result does), one POST = one 検査報告.
 * A 43+5 item is recognised by its JLAC10 code and flagged against its range as manual entry is; other codes are
 * kept as the lab sent them. An Idempotency-Key makes a retried POST answer with the resource made the first time.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Observation } from '@medplum/fhirtypes';
import { db, runInTransaction, type Prisma } from '@/lib/core/db';
import { z } from '@/lib/core/zod';
import type { ApiClientPrincipal } from '@/lib/auth/principal';
import { CODE_SYSTEMS } from '@/lib/fhir/profiles';
import { computeLabFlag, findLabItemByJlac10, referenceRangeFor, type LabFlag } from '@/lib/records/lab-results/lab-items';
import { patientRepository } from '@/lib/records/patients/patient.repository';
import { visitRepository } from '@/lib/reception/visit.repository';
import { createRecords } from '@/lib/records/write-path';
import { apiClientRepository } from './api-client.repository';
import { FhirError, fhirErrors } from './fhir-http';
import { parseReference } from './fhir-search';
import { readResource } from './vendor-fhir.service';

const text = (max: number) => z.string().trim().min(1).max(max);
const coding = z.object({ system: text(300).optional(), code: text(64).optional(), display: text(200).optional() });
const quantityValue = z.object({ value: z.number().finite() });

/** The elements of an Observation the API reads; others are accepted and not stored (FHIR lets a server ignore them). */
export const createObservationSchema = z.object({
  resourceType: z.literal('Observation'),
  status: z.enum(['final', 'amended', 'corrected']),
  code: z.object({ coding: z.array(coding).min(1).max(10), text: text(200).optional() }),
  subject: z.object({ reference: text(200) }),
  encounter: z.object({ reference: text(200) }).optional(),
  effectiveDateTime: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/),
  issued: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/).optional(),
  valueQuantity: z.object({ value: z.number().finite().min(0).max(1e10), unit: text(30).optional(), comparator: z.enum(['<', '<=', '>=', '>']).optional() }).optional(),
  valueString: text(200).optional(),
  valueCodeableConcept: z.object({ text: text(200) }).optional(),
  interpretation: z.array(z.object({ coding: z.array(coding).max(5).optional() })).max(3).optional(),
  referenceRange: z.array(z.object({ low: quantityValue.optional(), high: quantityValue.optional(), text: text(200).optional() })).max(3).optional(),
  specimen: z.object({ display: text(50) }).optional(),
  performer: z.array(z.object({ display: text(100).optional() })).max(3).optional(),
});
type CreateObservationInput = z.infer<typeof createObservationSchema>;

const unprocessable = (text: string, diagnostics: string, expression: string) => fhirErrors.unprocessable(text, diagnostics, [expression]);

/** zod issues → one OperationOutcome (the first issue, with its FHIRPath). */
function invalidBody(error: z.ZodError): FhirError {
  const issue = error.issues[0]!;
  const path = ['Observation', ...issue.path.map(String)].join('.');
  const expected = 'expected' in issue && typeof issue.expected === 'string' ? ` (expected ${issue.expected})` : '';
  return fhirErrors.invalid(`送信された検査結果（Observation）の内容が正しくありません（${path}）。`, `${path}: ${issue.code}${expected}`, [path]);
}

const JLAC10_SYSTEMS = new Set<string>([CODE_SYSTEMS.jlac10, CODE_SYSTEMS.labCore, CODE_SYSTEMS.labInfection]);
const FLAGS = new Set(['H', 'L', 'N']);

type NewLabRow = Omit<Prisma.LabResultUncheckedCreateInput, 'clinicId'>;

async function toLabRow(principal: ApiClientPrincipal, input: CreateObservationInput): Promise<NewLabRow> {
  const patientId = parseReference(input.subject.reference, 'Patient');
  const patient = patientId ? await patientRepository.findById(db(), { clinicId: principal.clinicId, patientId }) : null;
  if (!patient) throw unprocessable('患者が見つかりません。', `subject ${input.subject.reference} is not a patient of this clinic`, 'Observation.subject');
  let visitId: string | null = null;
  if (input.encounter) {
    const id = parseReference(input.encounter.reference, 'Encounter');
    const visit = id ? await visitRepository.find(db(), principal.clinicId, id) : null;
    if (!visit || visit.patientId !== patient.id) throw unprocessable('受診が見つかりません。', `encounter ${input.encounter.reference} is not a visit of this patient`, 'Observation.encounter');
    visitId = visit.id;
  }
  const jlacCoding = input.code.coding.find((c) => c.system && JLAC10_SYSTEMS.has(c.system) && c.code);
  const localCoding = input.code.coding.find((c) => c.code && (!c.system || !JLAC10_SYSTEMS.has(c.system)));
  const item = jlacCoding?.code ? findLabItemByJlac10(jlacCoding.code) : null;
  const localCode = localCoding?.code ?? item?.key ?? jlacCoding?.code;
  if (!localCode) throw unprocessable('検査項目のコードがありません。', 'code.coding needs a JLAC10 or a local code', 'Observation.code.coding');
  const itemName = item?.nameJa ?? input.code.text ?? localCoding?.display ?? jlacCoding?.display ?? localCode;
  const collectedAt = new Date(input.effectiveDateTime);
  const now = new Date();
  if (Number.isNaN(collectedAt.getTime()) || collectedAt.getTime() > now.getTime() + 10 * 60_000) {
    throw unprocessable('採取日時が正しくありません（未来の日時）。', 'effectiveDateTime is in the future', 'Observation.effectiveDateTime');
  }
  const values = [input.valueQuantity, input.valueString, input.valueCodeableConcept].filter((v) => v !== undefined);
  if (values.length !== 1) throw unprocessable('結果値を1つ入れてください。', 'exactly one of valueQuantity, valueString, valueCodeableConcept is required', 'Observation.value[x]');
  const q = input.valueQuantity;
  const valueNumber = q ? q.value : null;
  const valueText = q?.comparator ? `${q.comparator}${q.value}` : (input.valueString ?? input.valueCodeableConcept?.text ?? null);
  const range = input.referenceRange?.[0];
  const sex = patient.sex === 'male' || patient.sex === 'female' ? patient.sex : null;
  const tableRange = item && !range?.low && !range?.high ? referenceRangeFor(item, sex) : undefined;
  const referenceLow = range?.low?.value ?? tableRange?.low ?? null;
  const referenceHigh = range?.high?.value ?? tableRange?.high ?? null;
  const sentFlag = input.interpretation?.[0]?.coding?.find((c) => c.code && FLAGS.has(c.code))?.code as LabFlag | undefined;
  const flag = item ? computeLabFlag({ item, value: valueNumber ?? valueText, sex, referenceLow, referenceHigh }) : (sentFlag ?? null);
  const id = randomUUID();
  return {
    id,
    lineageId: id,
    version: 1,
    isLatest: true,
    status: 'final',
    patientId: patient.id,
    visitId,
    itemKey: item?.key ?? `local:${localCode}`,
    jlac10: jlacCoding?.code?.normalize('NFKC').toUpperCase() ?? item?.jlac10 ?? null,
    localCode,
    itemName,
    valueNumber,
    valueText,
    unit: q?.unit ?? item?.unit ?? null,
    referenceLow,
    referenceHigh,
    referenceText: range?.text ?? (item?.valueType === 'ordinal' ? (item.normalValue ?? null) : null),
    flag,
    specimen: input.specimen?.display ?? item?.specimen ?? '不明',
    collectedAt,
    reportedAt: input.issued ? new Date(input.issued) : now,
    source: 'api',
    reportId: randomUUID(),
    performer: input.performer?.[0]?.display ?? principal.appName,
    recordedById: principal.clientId,
  };
}

export type CreatedObservation = { resource: Observation; created: boolean };

/** Creates the Observation, or (same Idempotency-Key, same request) answers with the one created before. */
export async function createObservation(principal: ApiClientPrincipal, body: unknown, idempotencyKey: string | null): Promise<CreatedObservation> {
  const parsed = createObservationSchema.safeParse(body);
  if (!parsed.success) throw invalidBody(parsed.error);
  if (idempotencyKey !== null && !/^[\x21-\x7e]{1,200}$/.test(idempotencyKey)) {
    throw fhirErrors.invalid('Idempotency-Key が正しくありません。', 'Idempotency-Key must be 1-200 visible ASCII characters');
  }
  const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  const replay = async (): Promise<CreatedObservation | null> => {
    if (idempotencyKey === null) return null;
    const seen = await apiClientRepository.findIdempotencyKey(db(), principal.clinicId, principal.clientId, idempotencyKey);
    if (!seen) return null;
    if (seen.requestHash !== requestHash) {
      throw fhirErrors.unprocessable('この Idempotency-Key は別の内容の送信で使われています。', 'the Idempotency-Key was used with a different request body', []);
    }
    return { resource: (await readResource(principal, 'Observation', seen.resourceId)) as Observation, created: false };
  };
  const earlier = await replay();
  if (earlier) return earlier;
  const row = await toLabRow(principal, parsed.data);
  try {
    await runInTransaction(async (tx) => {
      await createRecords(tx, principal, 'lab_result', [row], { source: 'api', appId: principal.clientId });
      if (idempotencyKey !== null) {
        await apiClientRepository.saveIdempotencyKey(tx, {
          clinicId: principal.clinicId,
          clientId: principal.clientId,
          key: idempotencyKey,
          requestHash,
          resourceType: 'Observation',
          resourceId: row.lineageId,
        });
      }
    });
  } catch (error) {
    // the same key raced in from a concurrent retry: answer with the winner's resource
    if (apiClientRepository.isUniqueViolation(error)) {
      const winner = await replay();
      if (winner) return winner;
    }
    throw error;
  }
  return { resource: (await readResource(principal, 'Observation', row.lineageId)) as Observation, created: true };
}
