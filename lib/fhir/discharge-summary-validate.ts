/**
 * Validation of a 退院時サマリー bundle (JP_Bundle_eDischargeSummary, docs/decisions/0065), in the three parts of the
 * 診療情報提供書 (referral-validate.ts, docs/decisions/0049): the clinical entries through the 6情報 validator as their
 * unit bundles; the Composition with @medplum/core against JP_Composition_eDischargeSummary reduced by
 * scripts/fhir-derive.ts to its top-level slices and fixed values (registered as the
 * Composition type for the call, then the eReferral one restored: withCompositionProfile); and in code what that leaves out and the bundle profile says:
 * document type, identifier, Composition first, subject, Practitioner, Organization, Encounter (class IMP, period,
 * 退院時転帰), the ten required sub-sections of 300 with their titles, 入院中経過 pointing at a DocumentReference,
 * at least one 退院時診断, every section entry resolving inside the bundle. Every issue is in Japanese.
 */
import type { Bundle, CompositionSection, Encounter, StructureDefinition } from '@medplum/fhirtypes';
import derived from './generated/clins-1.5.2-edischargesummary-composition.json';
import type { FhirIssue } from './issues';
import { ID_SYSTEMS } from './profiles';
import { DISCHARGE_DISPOSITION_SYSTEM, DISCHARGE_REQUIRED_SUBSECTIONS, DISCHARGE_SECTIONS, type DischargeSectionCode, type DischargeSummaryBundle } from './discharge-summary';
import { codeOf, compositionStructure, issue, loadReferralProfiles, medicationIssues, withCompositionProfile } from './referral-validate';
import { byContent, validateBundle } from './validate';

const profile = derived.structureDefinition as unknown as StructureDefinition;

function documentRules(bundle: Bundle): FhirIssue[] {
  const out: FhirIssue[] = [];
  const rule = (message: string, field: string, expression: string, name: string, resourceType = 'Composition') => out.push(issue(message, field, expression, `edischarge-${name}`, resourceType));
  const entries = bundle.entry ?? [];
  const byUrl = new Map(entries.map((e) => [e.fullUrl, e.resource]));
  if (bundle.type !== 'document') rule('Bundle.type は document にしてください。', '文書構成', 'Bundle.type', 'type', 'Bundle');
  if (bundle.identifier?.system !== ID_SYSTEMS.bundle || !/^\d{10}\^\d{4}\^\S+$/.test(bundle.identifier?.value ?? '')) {
    rule('文書の識別子（医療機関コード^年^ID）が正しくありません。', '文書構成', 'Bundle.identifier', 'identifier', 'Bundle');
  }
  const composition = entries[0]?.resource;
  if (composition?.resourceType !== 'Composition') {
    rule('文書の先頭は Composition でなければなりません。', '文書構成', 'Bundle.entry[0]', 'composition-first', 'Bundle');
    return out;
  }
  if (byUrl.get(composition.subject?.reference)?.resourceType !== 'Patient') rule('文書の患者（subject）が文書内の患者を指していません。', '患者', 'Composition.subject', 'subject');
  if (!entries.some((e) => e.resource?.resourceType === 'Practitioner')) rule('文書を作成した医師の情報がありません。', '作成医師', 'Bundle.entry', 'practitioner', 'Bundle');
  const custodian = byUrl.get(composition.custodian?.reference);
  if (custodian?.resourceType !== 'Organization') rule('文書を管理する医療機関（custodian）がありません。', '医療機関', 'Composition.custodian', 'custodian');
  else if (!custodian.identifier?.some((i) => i.system === ID_SYSTEMS.institutionNumber && /^\d{10}$/.test(i.value ?? ''))) {
    rule('作成した医療機関の医療機関コード（10桁）がありません。医療機関の設定を確認してください。', '医療機関コード', 'Organization.identifier', 'institution-code', 'Organization');
  }
  const encounter = byUrl.get(composition.encounter?.reference) as Encounter | undefined;
  const encounters = entries.filter((e) => e.resource?.resourceType === 'Encounter');
  if (encounters.length !== 1 || encounter?.resourceType !== 'Encounter') {
    rule('入院の情報（Encounter）が文書に1件必要です。', '入院情報', 'Composition.encounter', 'encounter');
  } else {
    if (encounter.class?.code !== 'IMP') rule('入院の区分（Encounter.class）は IMP（入院）にしてください。', '入院情報', 'Encounter.class', 'encounter-class', 'Encounter');
    if (!encounter.period?.start || !encounter.period?.end) rule('入院日と退院日を入力してください。', '入院期間', 'Encounter.period', 'encounter-period', 'Encounter');
    const disposition = encounter.hospitalization?.dischargeDisposition?.coding?.[0];
    if (disposition?.system !== DISCHARGE_DISPOSITION_SYSTEM || !disposition.code) rule('退院時転帰を選択してください。', '退院時転帰', 'Encounter.hospitalization.dischargeDisposition', 'disposition', 'Encounter');
  }
  const period = composition.event?.[0]?.period;
  if (!period?.start || !period?.end) rule('文書の対象となる入院期間（入院日・退院日）がありません。', '入院期間', 'Composition.event.period', 'event-period');
  const top = (composition.section ?? []).find((s) => codeOf(s) === '300');
  if (!top) {
    rule('「構造情報」セクションがありません（必須）。', '構造情報', 'Composition.section(300)', 'structured');
    return out;
  }
  const structured = top.section ?? [];
  const sectionOf = (code: string): CompositionSection | undefined => structured.find((s) => codeOf(s) === code);
  for (const s of structured) {
    const code = codeOf(s) as DischargeSectionCode | undefined;
    const known = code ? DISCHARGE_SECTIONS[code] : undefined;
    if (known && !(s.title ?? '').startsWith(known.title)) rule(`「${known.title}」セクションの表題が違います。`, known.title, 'Composition.section.title', 'section-title');
    for (const ref of s.entry ?? []) {
      if (!byUrl.has(ref.reference)) rule(`「${s.title ?? code}」セクションの参照先が文書内にありません。`, s.title ?? '', 'Composition.section.entry', 'reference');
    }
  }
  for (const code of DISCHARGE_REQUIRED_SUBSECTIONS) {
    if (!sectionOf(code)) rule(`「${DISCHARGE_SECTIONS[code].title}」セクションがありません（必須）。`, DISCHARGE_SECTIONS[code].title, `Composition.section(300).section(${code})`, 'required-section');
  }
  const entriesOf = (code: string, type: string) => (sectionOf(code)?.entry ?? []).filter((r) => byUrl.get(r.reference)?.resourceType === type);
  for (const code of ['322', '324'] as const) {
    if (sectionOf(code) && entriesOf(code, 'Encounter').length !== 1) rule(`「${DISCHARGE_SECTIONS[code].title}」セクションは入院の情報（Encounter）を指す必要があります。`, DISCHARGE_SECTIONS[code].title, `Composition.section(${code}).entry`, 'details-encounter');
  }
  if (sectionOf('333') && !entriesOf('333', 'DocumentReference').length) rule('入院中の経過を入力してください（入院中経過セクションは必須）。', '入院中経過', 'Composition.section(333).entry', 'course');
  if (!entriesOf('344', 'Condition').length) rule('退院時診断を1つ以上記載してください（退院時診断セクションは必須）。', '退院時診断', 'Composition.section(344).entry', 'discharge-diagnosis');
  if ((sectionOf('444')?.entry ?? []).length !== entriesOf('444', 'MedicationRequest').length) {
    rule('「退院時投薬指示」セクションは処方（MedicationRequest）だけを指してください。', '退院時投薬指示', 'Composition.section(444).entry', 'medication');
  }
  return out;
}

/** The document as received (no unit bundles at hand): the document rules and the Composition against its profile. */
export function validateDischargeSummaryDocument(bundle: Bundle): FhirIssue[] {
  loadReferralProfiles();
  const composition = bundle.entry?.[0]?.resource;
  // registering the profile for the call is most of the cost: once per Composition content
  const structure = composition?.resourceType === 'Composition' ? byContent('edischarge-composition', composition, () => withCompositionProfile(profile, () => compositionStructure(composition))) : [];
  return [...documentRules(bundle), ...structure];
}

/** Issues of a 退院時サマリー bundle (errors first); empty = valid. */
export function validateDischargeSummaryBundle(built: Pick<DischargeSummaryBundle, 'bundle' | 'units'>): FhirIssue[] {
  const issues = [...validateDischargeSummaryDocument(built.bundle), ...built.units.flatMap((u) => validateBundle(u.bundle)), ...medicationIssues(built.bundle)];
  return issues.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}
