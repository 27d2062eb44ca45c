/**
 * Validation of a 健康診断結果報告書 bundle (JP_Bundle_eCheckupGeneral, docs/decisions/0066). The eCheckup profiles are
 * not in the JP-CLINS 1.5.2 package the validator derives from (only a 2024-02 pre-release package exists), so the
 * rules are checked in code, from the profiles' required elements and fixed values: document bundle with identifier,
 * Composition first (final, type 53576-5, version extension, identifier, category, encounter, event with code and
 * period, title, author, custodian), Patient subject, Practitioner, the clinic Organization with its 10-digit
 * 医療機関コード, one Encounter (class checkup, period), and the 01011 section whose entries are Observations each with
 * profile, status final, a 特定健診 item code, subject, effective date and a value (a quantity in UCUM); the same for the
 * 問診 answers of an 01012 section, each of which must be coded (0086). Issues are Japanese.
 */
import type { Bundle, Composition, Encounter, Observation, Organization } from '@medplum/fhirtypes';
import type { FhirIssue } from './issues';
import { ID_SYSTEMS } from './profiles';
import { CHECKUP_SECTION, CHECKUP_SYSTEMS, QUESTIONNAIRE_SECTION, type CheckupReportBundle } from './checkup-report';
import { issue } from './referral-validate';

export function validateCheckupReportDocument(bundle: Bundle): FhirIssue[] {
  const out: FhirIssue[] = [];
  const rule = (message: string, field: string, expression: string, name: string, resourceType = 'Composition', recordId: string | null = null) =>
    out.push(issue(message, field, expression, `echeckup-${name}`, resourceType, recordId));
  const entries = bundle.entry ?? [];
  const byUrl = new Map(entries.map((e) => [e.fullUrl, e.resource]));
  if (bundle.type !== 'document') rule('Bundle.type は document にしてください。', '文書構成', 'Bundle.type', 'type', 'Bundle');
  if (bundle.identifier?.system !== ID_SYSTEMS.bundle || !/^\d{10}\^\d{4}\^\S+$/.test(bundle.identifier?.value ?? '')) {
    rule('文書の識別子（医療機関コード^年^ID）が正しくありません。', '文書構成', 'Bundle.identifier', 'identifier', 'Bundle');
  }
  const composition = entries[0]?.resource as Composition | undefined;
  if (composition?.resourceType !== 'Composition') {
    rule('文書の先頭は Composition でなければなりません。', '文書構成', 'Bundle.entry[0]', 'composition-first', 'Bundle');
    return out;
  }
  const type = composition.type?.coding?.[0];
  if (composition.status !== 'final') rule('文書の status は final にしてください。', '文書構成', 'Composition.status', 'status');
  if (type?.code !== '53576-5' || type.display !== '検診・健診報告書') rule('文書の種別（53576-5 検診・健診報告書）が正しくありません。', '文書構成', 'Composition.type', 'doc-type');
  if (!composition.extension?.some((e) => e.url?.endsWith('composition-clinicaldocument-versionNumber') && e.valueString)) rule('文書の版番号がありません。', '文書構成', 'Composition.extension(version)', 'version');
  if (composition.identifier?.system !== ID_SYSTEMS.resourceInstance || !composition.identifier.value) rule('文書IDがありません。', '文書構成', 'Composition.identifier', 'composition-identifier');
  if (!composition.category?.[0]?.coding?.length) rule('健診の種別（category）がありません。', '健診種別', 'Composition.category', 'category');
  if (!composition.title) rule('文書の表題がありません。', '文書構成', 'Composition.title', 'title');
  if (!composition.author?.length) rule('文書の作成者がありません。', '作成医師', 'Composition.author', 'author');
  const event = composition.event?.[0];
  if (!event?.code?.length || !event.period?.start) rule('健診の実施（event の種別と実施日）がありません。', '健診実施日', 'Composition.event', 'event');
  if (byUrl.get(composition.subject?.reference)?.resourceType !== 'Patient') rule('文書の患者（subject）が文書内の患者を指していません。', '患者', 'Composition.subject', 'subject');
  if (!entries.some((e) => e.resource?.resourceType === 'Practitioner')) rule('文書を作成した医師の情報がありません。', '作成医師', 'Bundle.entry', 'practitioner', 'Bundle');
  const custodian = byUrl.get(composition.custodian?.reference) as Organization | undefined;
  if (custodian?.resourceType !== 'Organization') rule('健診を実施した医療機関（custodian）がありません。', '医療機関', 'Composition.custodian', 'custodian');
  else if (!custodian.identifier?.some((i) => i.system === ID_SYSTEMS.institutionNumber && /^\d{10}$/.test(i.value ?? ''))) {
    rule('健診を実施した医療機関の医療機関コード（10桁）がありません。医療機関の設定を確認してください。', '医療機関コード', 'Organization.identifier', 'institution-code', 'Organization');
  }
  const encounter = byUrl.get(composition.encounter?.reference) as Encounter | undefined;
  if (entries.filter((e) => e.resource?.resourceType === 'Encounter').length !== 1 || encounter?.resourceType !== 'Encounter') {
    rule('健診の受診情報（Encounter）が文書に1件必要です。', '受診情報', 'Composition.encounter', 'encounter');
  } else if (encounter.class?.code !== 'checkup' || !encounter.period?.start) {
    rule('健診の受診情報は区分 checkup（健診）と実施日が必要です。', '受診情報', 'Encounter', 'encounter-class', 'Encounter');
  }
  const section = composition.section?.find((s) => s.code?.coding?.some((c) => c.system === CHECKUP_SYSTEMS.section && c.code === CHECKUP_SECTION.code));
  if (!section?.entry?.length) {
    rule('特定健診の検査結果を1つ以上記載してください（特定健診検査結果セクション）。', '検査結果', `Composition.section(${CHECKUP_SECTION.code})`, 'section');
    return out;
  }
  const questionnaire = composition.section?.find((s) => s.code?.coding?.some((c) => c.system === CHECKUP_SYSTEMS.section && c.code === QUESTIONNAIRE_SECTION.code));
  const answerRefs = new Set((questionnaire?.entry ?? []).map((r) => r.reference));
  for (const ref of [...section.entry, ...(questionnaire?.entry ?? [])]) {
    const o = byUrl.get(ref.reference) as Observation | undefined;
    if (o?.resourceType !== 'Observation') {
      rule('検査結果セクションの参照先が文書内の検査結果（Observation）ではありません。', '検査結果', 'Composition.section.entry', 'reference');
      continue;
    }
    const code = o.code?.coding?.find((c) => c.system === CHECKUP_SYSTEMS.item);
    const name = code?.display ?? o.code?.coding?.[0]?.display ?? '検査項目';
    const bad = (message: string, expression: string, n: string) => rule(`${name}: ${message}`, name, expression, n, 'Observation', o.id ?? null);
    if (!o.meta?.profile?.length || !o.meta.lastUpdated) bad('meta.profile と meta.lastUpdated が必要です。', 'Observation.meta', 'observation-meta');
    if (o.status !== 'final') bad('status は final にしてください。', 'Observation.status', 'observation-status');
    if (!code || !/^[0-9A-Z]{17}$/.test(code.code ?? '')) bad('特定健診の項目コード（17桁）がありません。', 'Observation.code', 'observation-code');
    if (byUrl.get(o.subject?.reference)?.resourceType !== 'Patient') bad('患者（subject）がありません。', 'Observation.subject', 'observation-subject');
    if (!o.effectiveDateTime) bad('実施日（effective）がありません。', 'Observation.effective', 'observation-effective');
    const hasValue = o.valueQuantity !== undefined || o.valueCodeableConcept !== undefined || (o.valueString ?? '') !== '';
    if (!hasValue) bad('結果の値がありません。', 'Observation.value[x]', 'observation-value');
    if (answerRefs.has(ref.reference) && !o.valueCodeableConcept?.coding?.[0]?.code) bad('問診の回答はコードで記載してください。', 'Observation.valueCodeableConcept', 'questionnaire-coded');
    if (o.valueQuantity && (typeof o.valueQuantity.value !== 'number' || o.valueQuantity.system !== CHECKUP_SYSTEMS.ucum || !o.valueQuantity.code)) {
      bad('数値と単位（UCUM）が必要です。', 'Observation.valueQuantity', 'observation-quantity');
    }
  }
  return out;
}

/** Issues of a 健康診断結果報告書 bundle; empty = valid. */
export function validateCheckupReportBundle(built: Pick<CheckupReportBundle, 'bundle'>): FhirIssue[] {
  return validateCheckupReportDocument(built.bundle);
}
