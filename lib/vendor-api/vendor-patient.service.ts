/**
 * create and update Patient: a レセコン or a web booking system registers a patient, or changes one (a new insurance
 * card, a new address). The JP Core Patient the API serves comes back in: the kanji name (representation IDE) and the
 * kana name (SYL), gender, birthDate, address, phone, and the 被保険者個人識別子. It goes through the same patient
 * service as the reception desk (registerPatient / updatePatient: PatientRevision, audit naming the app, the
 * duplicate check), validated by the same schema, whose Japanese messages come back as an OperationOutcome.
 * Conditional create (If-None-Exist) answers with the patient already registered; an update needs If-Match.
 */
import type { Patient } from '@medplum/fhirtypes';
import type { ApiClientPrincipal } from '@/lib/auth/principal';
import { AppError } from '@/lib/core/app-error';
import { z } from '@/lib/core/zod';
import { EXTENSIONS, ID_SYSTEMS } from '@/lib/fhir/profiles';
import { registerPatientSchema, updatePatientSchema, type RegisterPatientInput } from '@/lib/records/patients/patient.schema';
import { getPatientVersion, registerPatient, updatePatient } from '@/lib/records/patients/patient.service';
import { FhirError, fhirErrors } from './fhir-http';
import { findPatientIds, readResource } from './vendor-fhir.service';

const text = (max: number) => z.string().trim().min(1).max(max);
const humanName = z.object({
  extension: z.array(z.object({ url: z.string(), valueCode: z.string().optional() })).optional(),
  family: text(40),
  given: z.array(text(40)).min(1).max(3),
});
/** The elements of a Patient the API reads; others are accepted and not stored. */
const patientBodySchema = z.object({
  resourceType: z.literal('Patient'),
  id: z.string().optional(),
  identifier: z.array(z.object({ system: z.string().optional(), value: text(100) })).max(10).optional(),
  name: z.array(humanName).min(1).max(5),
  gender: z.enum(['male', 'female', 'other', 'unknown']),
  birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  address: z.array(z.object({ text: text(200).optional(), postalCode: text(10).optional() })).max(3).optional(),
  telecom: z.array(z.object({ system: z.string().optional(), value: text(30) })).max(5).optional(),
});
type PatientBody = z.infer<typeof patientBodySchema>;

/** JP Core field path of a RegisterPatientInput field (for the OperationOutcome's expression). */
const FIELD_PATHS: Record<string, string> = {
  familyName: 'Patient.name.family',
  givenName: 'Patient.name.given',
  familyNameKana: 'Patient.name.family',
  givenNameKana: 'Patient.name.given',
  sex: 'Patient.gender',
  birthDate: 'Patient.birthDate',
  postalCode: 'Patient.address.postalCode',
  address: 'Patient.address.text',
  phone: 'Patient.telecom.value',
  insurance: 'Patient.identifier',
};

const representation = (n: z.infer<typeof humanName>) => n.extension?.find((e) => e.url === EXTENSIONS.nameRepresentation)?.valueCode;

/** `保険者番号:記号:番号:枝番` → the insurance fields (本人 unless told otherwise: a Patient does not say). */
function insuranceOf(body: PatientBody): RegisterPatientInput['insurance'] {
  const member = body.identifier?.find((i) => i.system === ID_SYSTEMS.insuranceMember)?.value;
  if (!member) return undefined;
  const parts = member.split(':');
  if (parts.length !== 4 || !parts[0] || !parts[2]) {
    throw fhirErrors.invalid('被保険者個人識別子は「保険者番号:記号:番号:枝番」の形で送ってください。', 'the JP_Insurance_memberID identifier must be insurer:symbol:number:branch', ['Patient.identifier']);
  }
  const [insurerNumber, symbol, number, branch] = parts as [string, string, string, string];
  return { insurerNumber, symbol: symbol || undefined, number, branch: branch || undefined, relationship: 'self' } as RegisterPatientInput['insurance'];
}

function toRegisterInput(body: unknown): RegisterPatientInput {
  const parsed = patientBodySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = ['Patient', ...issue.path.filter((p) => typeof p === 'string')].join('.');
    throw fhirErrors.invalid(`送信された患者（Patient）の内容が正しくありません（${path}）。`, `${path}: ${issue.code}`, [path]);
  }
  const p = parsed.data;
  const kanji = p.name.find((n) => representation(n) === 'IDE') ?? p.name.find((n) => !representation(n));
  const kana = p.name.find((n) => representation(n) === 'SYL');
  if (!kanji || !kana) {
    throw fhirErrors.invalid('氏名は漢字（IDE）とカナ（SYL）の両方を送ってください。', 'name needs an entry with the iso21090-EN-representation IDE (kanji) and one with SYL (kana)', ['Patient.name']);
  }
  const address = p.address?.[0];
  const phone = p.telecom?.find((t) => !t.system || t.system === 'phone')?.value;
  const input = {
    familyName: kanji.family,
    givenName: kanji.given.join(' '),
    familyNameKana: kana.family,
    givenNameKana: kana.given.join(' '),
    sex: p.gender,
    birthDate: p.birthDate,
    ...(address?.postalCode ? { postalCode: address.postalCode } : {}),
    ...(address?.text ? { address: address.text } : {}),
    ...(phone ? { phone } : {}),
    ...(insuranceOf(p) ? { insurance: insuranceOf(p) } : {}),
  };
  const checked = registerPatientSchema.safeParse(input);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const field = String(issue.path[0] ?? '');
    throw fhirErrors.invalid(issue.message, `${FIELD_PATHS[field] ?? 'Patient'}: ${issue.code} (${field})`, [FIELD_PATHS[field] ?? 'Patient']);
  }
  return checked.data;
}

/** AppError of the patient service → the OperationOutcome a vendor gets. */
function asFhirError(error: unknown): unknown {
  if (!(error instanceof AppError)) return error;
  if (error.code === 'CONFLICT') return new FhirError(409, 'duplicate', error.message, 'a patient who is probably the same person is registered (or the version changed)');
  if (error.code === 'NOT_FOUND') return fhirErrors.notFound('Patient', '');
  return fhirErrors.invalid(error.message, `patient service refused: ${error.code}`);
}

export type PatientWriteResult = { resource: Patient; status: 200 | 201 };

/**
 * POST Patient. `If-None-Exist: identifier=…` (conditional create): one match answers 200 with it, several 412;
 * `X-Karte-Duplicate-Acknowledged: true` registers although the duplicate check found a likely match (409 otherwise).
 */
export async function createPatientFromFhir(principal: ApiClientPrincipal, body: unknown, headers: Pick<Headers, 'get'>): Promise<PatientWriteResult> {
  const input = toRegisterInput(body);
  const ifNoneExist = headers.get('if-none-exist');
  if (ifNoneExist) {
    const params = [...new URLSearchParams(ifNoneExist.replace(/^[^?]*\?/, ''))];
    if (!params.length) throw fhirErrors.invalid('If-None-Exist の条件が空です。', 'If-None-Exist must hold search parameters, e.g. identifier=system|value', ['If-None-Exist']);
    const ids = await findPatientIds(principal.clinicId, params, 2);
    if (ids.length > 1) throw new FhirError(412, 'multiple-matches', '条件に合う患者が複数います。', 'If-None-Exist matched more than one patient');
    if (ids.length === 1) return { resource: (await readResource(principal, 'Patient', ids[0]!)) as Patient, status: 200 };
  }
  const acknowledged = headers.get('x-karte-duplicate-acknowledged') === 'true';
  const created = await registerPatient({ ...input, duplicateAcknowledged: acknowledged }, principal).catch((e: unknown) => {
    throw asFhirError(e);
  });
  return { resource: (await readResource(principal, 'Patient', created.id)) as Patient, status: 201 };
}

/** PUT Patient/{id} with `If-Match: W/"<version>"`: a new version (the earlier one stays in the history). */
export async function updatePatientFromFhir(principal: ApiClientPrincipal, id: string, body: unknown, ifMatch: string | null): Promise<Patient> {
  const version = /^(?:W\/)?"(\d+)"$/.exec(ifMatch ?? '')?.[1];
  if (!version) throw new FhirError(428, 'required', '更新には If-Match（読み取った版の ETag）が必要です。', 'an update needs If-Match: W/"<versionId>" from the read');
  if ((body as { id?: unknown })?.id !== id) throw fhirErrors.invalid('リソースの id が URL と一致しません。', 'the resource id must equal the id in the URL', ['Patient.id']);
  const input = toRegisterInput(body);
  const current = await getPatientVersion(principal.clinicId, id);
  if (current === null) throw fhirErrors.notFound('Patient', id);
  if (String(current) !== version) throw new FhirError(412, 'conflict', '患者情報が先に更新されています。読み直してから更新してください。', `version ${version} is not the current version ${current}`);
  const update = updatePatientSchema.parse({ ...input, patientId: id, expectedVersion: Number(version), reason: `外部連携アプリ（${principal.appName}）` });
  await updatePatient(update, principal).catch((e: unknown) => {
    if (e instanceof AppError && e.code === 'CONFLICT') throw new FhirError(412, 'conflict', e.message, 'the patient changed meanwhile');
    throw asFhirError(e);
  });
  return (await readResource(principal, 'Patient', id)) as Patient;
}
