/**
 * Reads other institutions' JP-CLINS bundles back into plain values, with care: the data comes from outside, so every
 * field is checked for its type, an entry that cannot be read is left out with a problem noted, a bundle that is not
 * a bundle (or is about another patient) is skipped whole, and nothing here throws. Pure; no FHIR library needed.
 */
import { CODE_SYSTEMS, ID_SYSTEMS } from '@/lib/fhir/profiles';
import { SHARED_INFO_KINDS, type SharedBundle, type SharedInfoKind } from '../sharing-service';
import type { SharedAllergyDto, SharedDiagnosisDto, SharedLabDto, SharedProblem, SharedRecordsDto, SharedSource } from './shared-records.dto';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, max = 200): string | null => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
/** A FHIR date/dateTime: its date part, or null when it is not one. */
const dateOf = (v: unknown): string | null => {
  const s = str(v, 40);
  return s && /^\d{4}(-\d{2}(-\d{2})?)?/.test(s) ? s.slice(0, 10) : null;
};
const instantOf = (v: unknown): string | null => {
  const s = str(v, 40);
  return s && !Number.isNaN(Date.parse(s)) ? new Date(s).toISOString() : dateOf(v);
};

function codings(concept: unknown): { system: string | null; code: string | null; display: string | null }[] {
  if (!isObj(concept)) return [];
  return arr(concept.coding)
    .filter(isObj)
    .map((c) => ({ system: str(c.system, 300), code: str(c.code, 100), display: str(c.display) }));
}

function codeIn(concept: unknown, system: string): string | null {
  return codings(concept).find((c) => c.system === system)?.code ?? null;
}

function conceptText(concept: unknown): string | null {
  if (!isObj(concept)) return null;
  return str(concept.text) ?? codings(concept).find((c) => c.display)?.display ?? null;
}

function toDiagnosis(r: Obj, ref: { source: SharedSource; identifier: string; index: number }): SharedDiagnosisDto | null {
  const name = conceptText(r.code);
  if (!name) return null;
  const icd = codings(r.code).find((c) => c.system?.includes('ICD10'))?.code ?? null;
  return {
    kind: 'diagnosis',
    ...ref,
    name,
    diseaseCode: codeIn(r.code, CODE_SYSTEMS.receiptDisease),
    medisCode: codeIn(r.code, CODE_SYSTEMS.receiptDisease) ? null : (codeIn(r.code, CODE_SYSTEMS.medisDisease) ?? codeIn(r.code, CODE_SYSTEMS.medisExchange)),
    icd10: icd,
    suspected: codeIn(r.verificationStatus, CODE_SYSTEMS.conditionVerification) === 'unconfirmed',
    clinicalStatus: codeIn(r.clinicalStatus, CODE_SYSTEMS.conditionClinical),
    outcomeText: isObj(r.clinicalStatus) ? str(r.clinicalStatus.text, 50) : null,
    startDate: dateOf(r.onsetDateTime),
    endDate: dateOf(r.abatementDateTime),
  };
}

const ALLERGY_CATEGORIES = new Set(['medication', 'food', 'environment']);

function toAllergy(r: Obj, ref: { source: SharedSource; identifier: string; index: number }): SharedAllergyDto | null {
  const substanceName = conceptText(r.code);
  if (!substanceName) return null;
  const coding = codings(r.code).find((c) => c.code);
  const category = arr(r.category).find((c): c is string => typeof c === 'string' && ALLERGY_CATEGORIES.has(c)) ?? 'other';
  const reaction = arr(r.reaction).find(isObj);
  const manifestation = reaction ? arr(reaction.manifestation).find(isObj) : undefined;
  const severity = reaction ? str(reaction.severity, 20) : null;
  return {
    kind: 'allergy',
    ...ref,
    substanceName,
    category,
    code: coding?.code ?? null,
    codeSystem: coding?.system ?? null,
    reaction: manifestation ? str(manifestation.text) : null,
    severity: severity && ['mild', 'moderate', 'severe'].includes(severity) ? severity : null,
    clinicalStatus: codeIn(r.clinicalStatus, CODE_SYSTEMS.allergyClinical),
    onsetDate: dateOf(r.onsetDateTime),
  };
}

function quantityText(q: unknown): { value: string; unit: string | null } | null {
  if (!isObj(q)) return null;
  const value = num(q.value);
  if (value === null) return null;
  const comparator = str(q.comparator, 2) ?? '';
  return { value: `${comparator}${value}`, unit: str(q.unit, 30) ?? str(q.code, 30) };
}

function toLab(r: Obj, ref: { source: SharedSource; identifier: string; index: number }): SharedLabDto | null {
  const itemName = conceptText(r.code);
  if (!itemName) return null;
  const quantity = quantityText(r.valueQuantity);
  const value = quantity?.value ?? str(r.valueString, 100) ?? (isObj(r.dataAbsentReason) ? '（値なし）' : null);
  if (value === null) return null;
  const range = arr(r.referenceRange).find(isObj);
  const low = range ? quantityText(range.low)?.value : undefined;
  const high = range ? quantityText(range.high)?.value : undefined;
  const rangeText = range ? (str(range.text, 100) ?? (low || high ? `${low ?? ''}–${high ?? ''}` : null)) : null;
  const jlac10 = codings(r.code).find((c) => c.system === CODE_SYSTEMS.labCore || c.system === CODE_SYSTEMS.labInfection || c.system === 'urn:oid:1.2.392.200119.4.504')?.code ?? null;
  return {
    kind: 'lab',
    ...ref,
    itemName,
    jlac10,
    value,
    unit: quantity?.unit ?? null,
    referenceRange: rangeText,
    flag: codeIn(arr(r.interpretation)[0], CODE_SYSTEMS.interpretation),
    effectiveAt: instantOf(r.effectiveDateTime),
  };
}

/**
 * One clinical entry of any JP-CLINS bundle (a Condition, AllergyIntolerance or Observation), parsed with the same care;
 * null when it is another type or cannot be read. Received documents (受信した紹介状) list their entries with it.
 */
export function parseClinicalEntry(resource: unknown, ref: { source: SharedSource; identifier: string; index: number }): SharedDiagnosisDto | SharedAllergyDto | SharedLabDto | null {
  if (!isObj(resource)) return null;
  try {
    if (resource.resourceType === 'Condition') return toDiagnosis(resource, ref);
    if (resource.resourceType === 'AllergyIntolerance') return toAllergy(resource, ref);
    if (resource.resourceType === 'Observation') return toLab(resource, ref);
  } catch {
    return null;
  }
  return null;
}

const RESOURCE_OF: Record<SharedInfoKind, string> = { diagnoses: 'Condition', allergies: 'AllergyIntolerance', labs: 'Observation' };
const KIND_LABELS: Record<SharedInfoKind, string> = { diagnoses: '傷病名', allergies: 'アレルギー', labs: '検査' };

/** The patient's member ID as the bundle's Patient carries it. */
function bundleMemberId(bundle: Obj): string | null {
  const patient = arr(bundle.entry).filter(isObj).map((e) => e.resource).find((r) => isObj(r) && r.resourceType === 'Patient');
  if (!isObj(patient)) return null;
  const id = arr(patient.identifier).filter(isObj).find((i) => i.system === ID_SYSTEMS.insuranceMember || i.system === ID_SYSTEMS.publicPayerMember);
  return id ? str(id.value, 100) : null;
}

/**
 * Parses what the service returned for the patient with this member ID. Unreadable bundles and entries become
 * problems (shown as such), never exceptions; lists are sorted newest first.
 */
export function parseSharedBundles(bundles: unknown, memberId: string): SharedRecordsDto {
  const out: SharedRecordsDto = { diagnoses: [], allergies: [], labs: [], problems: [] };
  const problem = (p: SharedProblem) => out.problems.length < 50 && out.problems.push(p);
  for (const raw of arr(bundles).slice(0, 500)) {
    const shared = isObj(raw) ? (raw as Partial<Record<keyof SharedBundle, unknown>>) : {};
    const institutionName = str(shared.institutionName, 100);
    const kind = SHARED_INFO_KINDS.find((k) => k === shared.kind) ?? null;
    try {
      const institutionNumber = str(shared.institutionNumber, 20);
      const identifier = str(shared.identifier, 200);
      const registeredAt = instantOf(shared.registeredAt);
      const bundle = shared.bundle;
      if (!kind || !institutionNumber || !identifier || !registeredAt || !isObj(bundle) || bundle.resourceType !== 'Bundle') {
        problem({ institutionName, kind, message: '共有サービスから受け取った情報の形式が正しくないため表示できません。' });
        continue;
      }
      if (bundleMemberId(bundle) !== memberId) {
        problem({ institutionName, kind, message: 'この患者の被保険者個人識別子と一致しない情報のため表示しません。' });
        continue;
      }
      const source: SharedSource = { institutionNumber, institutionName: institutionName ?? `医療機関 ${institutionNumber}`, registeredAt, identifier };
      let unreadable = 0;
      arr(bundle.entry).forEach((entry, index) => {
        const r = isObj(entry) ? entry.resource : null;
        if (!isObj(r) || r.resourceType === 'Patient') return;
        if (r.resourceType !== RESOURCE_OF[kind]) return void unreadable++;
        const ref = { source, identifier, index };
        const item = kind === 'diagnoses' ? toDiagnosis(r, ref) : kind === 'allergies' ? toAllergy(r, ref) : toLab(r, ref);
        if (!item) return void unreadable++;
        if (item.kind === 'diagnosis') out.diagnoses.push(item);
        else if (item.kind === 'allergy') out.allergies.push(item);
        else out.labs.push(item);
      });
      if (unreadable) problem({ institutionName, kind, message: `${KIND_LABELS[kind]}のうち${unreadable}件は形式が正しくないため表示できません。` });
    } catch {
      problem({ institutionName, kind, message: '共有サービスから受け取った情報を読み取れませんでした。' });
    }
  }
  const newest = <T extends { source: SharedSource }>(a: T, b: T) => b.source.registeredAt.localeCompare(a.source.registeredAt);
  out.diagnoses.sort(newest);
  out.allergies.sort(newest);
  out.labs.sort((a, b) => (b.effectiveAt ?? '').localeCompare(a.effectiveAt ?? '') || newest(a, b));
  return out;
}

/** One entry of one bundle, parsed, for the copy into the chart (null when it is not there or not readable). */
export function findSharedEntry(bundles: unknown, memberId: string, ref: { identifier: string; index: number }): SharedDiagnosisDto | SharedAllergyDto | SharedLabDto | null {
  const parsed = parseSharedBundles(bundles, memberId);
  return [...parsed.diagnoses, ...parsed.allergies, ...parsed.labs].find((e) => e.identifier === ref.identifier && e.index === ref.index) ?? null;
}
