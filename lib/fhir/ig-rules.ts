/**
 * The rules the JP-CLINS IG states in text (core6spec, JP_Bundle_CLINS notes, the resource pages) and the required
 * bindings and closed slices @medplum/core does not check, as Japanese issues that name the record and field.
 * The profile checks themselves run in validate.ts; these complement them.
 */
import type { AllergyIntolerance, Bundle, Coding, Condition, Extension, Observation, Patient, Resource } from '@medplum/fhirtypes';
import { findLabItemByJlac10 } from '@/lib/records/lab-results/lab-items';
import { sharedLabDisplays } from './lab-codes';
import { fieldLabel, recordName, type FhirIssue } from './issues';
import { CODE_SYSTEMS, EXTENSIONS, ID_SYSTEMS, PROFILES, UNCODED_DISEASE_KEY, UNCODED_LAB_CODE, type FhirTarget } from './profiles';

type Add = (resource: Resource | null, expression: string, rule: string, message: string, severity?: FhirIssue['severity']) => void;

const RESOURCE_FOR_TAG: Record<string, string> = { Condition: 'Condition', AllergyIntolerance: 'AllergyIntolerance', Observation: 'Observation' };
const ENTRY_PROFILE: Record<string, string> = {
  Patient: PROFILES.patient,
  Condition: PROFILES.condition,
  AllergyIntolerance: PROFILES.allergy,
  Observation: PROFILES.labResult,
};

const CONDITION_TAGS = new Set(['LTS', 'UNINFORMED', 'UNDELIVERED']);
const CONDITION_VERIFICATION = new Set(['unconfirmed', 'provisional', 'differential', 'confirmed', 'refuted', 'entered-in-error']);
const CONDITION_CLINICAL = new Set(['active', 'recurrence', 'relapse', 'inactive', 'remission', 'resolved']);
const ALLERGY_CLINICAL = new Set(['active', 'inactive', 'resolved']);
const ALLERGY_VERIFICATION = new Set(['unconfirmed', 'confirmed', 'refuted', 'entered-in-error']);
const OBSERVATION_STATUS = new Set(['registered', 'preliminary', 'final', 'amended', 'corrected', 'cancelled', 'entered-in-error', 'unknown']);
/** Half-width katakana, full-width space, control characters (Observation notes: 「display要素、text要素には…」). */
const FORBIDDEN_LAB_TEXT = /[\uFF61-\uFF9F\u3000\u0000-\u001F\u007F]/u;

const hasExtension = (r: { extension?: Extension[] }, url: string) => (r.extension ?? []).some((e) => e.url === url);
const codingsOf = (r: { code?: { coding?: Coding[] } }) => r.code?.coding ?? [];

function checkBundle(bundle: Bundle, add: Add) {
  const entries = bundle.entry ?? [];
  const first = entries[0]?.resource;
  if (!first || first.resourceType !== 'Patient') add(null, 'Bundle.entry[0]', 'first-bundle-entry-is-Patient', '先頭に患者情報がありません。');
  const patients = entries.filter((e) => e.resource?.resourceType === 'Patient');
  if (patients.length > 1) add(null, 'Bundle.entry', 'one-patient', '1つの送信単位に患者情報が複数あります（患者ごとに分けて送信します）。');
  const tag = bundle.meta?.tag?.find((t) => t.system === CODE_SYSTEMS.bundleResourceType)?.code;
  const expected = tag ? RESOURCE_FOR_TAG[tag] : undefined;
  if (!expected) add(null, 'Bundle.meta.tag', 'bundle-meta-tag-resourceType-valid', '送信データの種別（傷病名・アレルギー・検査）が指定されていません。');
  const others = entries.slice(1).map((e) => e.resource).filter((r): r is Resource => !!r);
  for (const r of others) {
    if (expected && r.resourceType !== expected) {
      add(r, `${r.resourceType}`, 'one-resource-type', `${recordName(r.resourceType)}は${recordName(expected)}の送信単位に入れられません（種類ごとに別の送信単位にします）。`);
    }
  }
  const urls = entries.map((e) => e.fullUrl);
  if (urls.some((u) => !u)) add(null, 'Bundle.entry.fullUrl', 'fullUrl-required', '送信データの各項目に識別URL（fullUrl）がありません。');
  if (new Set(urls).size !== urls.length) add(null, 'Bundle.entry.fullUrl', 'fullUrl-unique', '送信データの中で識別URL（fullUrl）が重複しています。');
  for (const r of [first, ...others]) {
    if (!r) continue;
    const profile = ENTRY_PROFILE[r.resourceType];
    if (profile && !(r.meta?.profile ?? []).includes(profile)) add(r, `${r.resourceType}.meta.profile`, 'entry-profile', `${recordName(r.resourceType)}のプロファイル指定が ${profile} ではありません。`);
  }
  const subjectRef = first?.resourceType === 'Patient' ? entries[0]!.fullUrl : undefined;
  for (const r of others) {
    const ref = (r as Condition).subject?.reference ?? (r as AllergyIntolerance).patient?.reference;
    if (subjectRef && ref !== subjectRef) add(r, `${r.resourceType}.subject`, 'patient-reference', `${recordName(r.resourceType)}が同じ送信単位の患者を参照していません。`);
  }
}

function checkPatient(patient: Patient, add: Add) {
  const ids = patient.identifier ?? [];
  const member = ids.find((i) => i.system === ID_SYSTEMS.insuranceMember);
  const publicPayer = ids.find((i) => i.system === ID_SYSTEMS.publicPayerMember);
  if (!member && publicPayer) {
    add(patient, 'Patient.identifier', 'valid-system-insurance-patientIdentifier',
      '生活保護（公費）のみの患者です。JP-CLINS 1.5.2 は医療保険の被保険者番号がない患者を受け付けないため送信できません（医療保険が登録されれば送信されます）。');
  } else if (!member) {
    add(patient, 'Patient.identifier', 'valid-system-insurance-patientIdentifier',
      '医療保険が登録されていないため送信できません。保険証（保険者番号・記号・番号・枝番）を登録してください（自費の患者は電子カルテ情報共有サービスの対象外です）。');
  }
  for (const name of patient.name ?? []) {
    if (/[\u3000]/.test(name.text ?? '')) add(patient, 'Patient.name', 'kanjiName-kanaName-donot-contain-ZenkakuKuuhaku', '氏名に全角空白が含まれています。');
  }
  const kana = patient.name?.find((n) => n.extension?.some((e) => e.valueCode === 'SYL'));
  if (kana && !/^[\u30A0-\u30FF ]+$/.test(kana.text ?? '')) add(patient, 'Patient.name', 'kana-katakana', 'カナ氏名はカタカナで入力してください。');
}

function checkCommon(r: Condition | AllergyIntolerance | Observation, add: Add) {
  const institution = (r.extension ?? []).find((e) => e.url === EXTENSIONS.institutionNumber)?.valueIdentifier?.value;
  if (!institution) add(r, `${r.resourceType}.extension`, 'all-entries-needs-extension-of-institutionNumber', '医療機関コードがありません。');
  else if (!/^[0-4][0-9][1-3][0-9]{7}$/.test(institution)) {
    add(r, `${r.resourceType}.extension`, 'all-entries-needs-valid-institutionNumber', `医療機関コード「${institution}」が正しくありません（都道府県2桁・点数表1桁・医療機関番号7桁）。医療機関の設定を確認してください。`);
  }
  if (!hasExtension(r, EXTENSIONS.department)) {
    const rule = r.resourceType === 'Condition' ? 'condition-needs-extension-of-Department' : r.resourceType === 'Observation' ? 'observation-needs-extension-of-Department' : 'department';
    add(r, `${r.resourceType}.extension`, rule, `${recordName(r.resourceType)}に診療科が設定されていません。診療科を選んでください。`, r.resourceType === 'AllergyIntolerance' ? 'warning' : 'error');
  }
  if (!(r.contained ?? []).some((c) => c.resourceType === 'Encounter' && c.meta?.profile?.includes(PROFILES.encounter))) {
    add(r, `${r.resourceType}.contained`, `${r.resourceType.toLowerCase()}-needs-contained-of-Encounter`, '受診情報（外来・入院）がありません。');
  }
  if (!r.identifier?.some((i) => i.system === ID_SYSTEMS.resourceInstance && i.value)) add(r, `${r.resourceType}.identifier`, 'resource-identifier', '記録の識別子がありません。');
}

function checkCondition(c: Condition, add: Add) {
  checkCommon(c, add);
  for (const t of c.meta?.tag ?? []) {
    if (t.system !== CODE_SYSTEMS.indication || !CONDITION_TAGS.has(t.code ?? '')) add(c, 'Condition.meta.tag', 'condition-tags', `傷病名のフラグ「${t.code ?? ''}」は使えません（長期保存・未告知・未提供のみ）。`);
  }
  const medis = codingsOf(c).filter((x) => x.system === CODE_SYSTEMS.medisDisease);
  if (medis.length === 0) add(c, 'Condition.code', 'medisRecordNo', '傷病名にMEDIS病名管理番号がありません。病名マスターから選び直すか、未コード化病名として登録してください。');
  for (const m of medis) {
    if (!/^[0-9]{8}$/.test(m.code ?? '')) add(c, 'Condition.code', 'medisRecordNo-format', `病名管理番号「${m.code ?? ''}」の形式が正しくありません（8桁）。`);
  }
  if (medis.length && medis.every((m) => m.code === UNCODED_DISEASE_KEY)) {
    add(c, 'Condition.code', 'uncoded-disease', `「${c.code?.text ?? ''}」はコード化されていない病名として送信されます。病名マスターから選ぶと他の医療機関で検索しやすくなります。`, 'warning');
  }
  if (!c.code?.text?.trim()) add(c, 'Condition.code.text', 'code-text', '傷病名の名称がありません。');
  for (const e of c.code?.extension ?? []) {
    const codings = e.valueCodeableConcept?.coding ?? [];
    if (!codings.some((x) => x.system === CODE_SYSTEMS.medisModifier && x.code)) add(c, 'Condition.code.extension', 'modifier-key-number', '修飾語にMEDIS修飾語管理番号がありません。');
  }
  const vs = c.verificationStatus?.coding?.[0]?.code;
  if (!vs || !CONDITION_VERIFICATION.has(vs)) add(c, 'Condition.verificationStatus', 'verification-binding', '確定・疑いの区別が正しく設定されていません。');
  const cs = c.clinicalStatus?.coding?.[0]?.code;
  if (cs && !CONDITION_CLINICAL.has(cs)) add(c, 'Condition.clinicalStatus', 'clinical-binding', `転帰「${cs}」はコード表にありません。`);
  if (!c.onsetDateTime) add(c, 'Condition.onset', 'condition-needs-onsetDateTime', '傷病名の開始日がありません。');
  if (c.category?.[0]?.coding?.[0]?.code !== 'encounter-diagnosis') add(c, 'Condition.category', 'category', '傷病名の区分は encounter-diagnosis でなければなりません。');
}

/** Allergen code forms of the profile's table (3-letter meta code + body) per code system. */
const ALLERGEN_FORMS: { system: string; re: RegExp; medication: boolean }[] = [
  { system: CODE_SYSTEMS.jfagyMedicationYcm, re: /^(YCM[0-9A-Z]{12}|D9M0{9})$/, medication: true },
  { system: CODE_SYSTEMS.jfagyMedicationGcm, re: /^GCM[0-9A-Z]{9}ZZZ$/, medication: true },
  { system: CODE_SYSTEMS.jfagyFood, re: /^(J9F[0-9A-Z]{9}|D9F0{9})$/, medication: false },
  { system: CODE_SYSTEMS.jfagyNonFood, re: /^(J9N[0-9A-Z]{9}|D9N0{9})$/, medication: false },
];

function checkAllergy(a: AllergyIntolerance, add: Add) {
  checkCommon(a, add);
  for (const t of a.meta?.tag ?? []) {
    if (t.system !== CODE_SYSTEMS.indication || t.code !== 'LTS') add(a, 'AllergyIntolerance.meta.tag', 'allergy-tags', `アレルギーに付けられるフラグは長期保存のみです（「${t.code ?? ''}」）。`);
  }
  const medication = a.category?.includes('medication') ?? false;
  for (const x of codingsOf(a)) {
    const form = ALLERGEN_FORMS.find((f) => f.system === x.system);
    if (!form) {
      add(a, 'AllergyIntolerance.code', 'allergen-system', `アレルゲンのコード体系 ${x.system ?? ''} は使えません（YJ/一般名/J-FAGY）。`);
      continue;
    }
    if (!form.re.test(x.code ?? '')) add(a, 'AllergyIntolerance.code', 'allergen-code-form', `アレルゲンコード「${x.code ?? ''}」の形式が正しくありません。`);
    if (form.medication !== medication) {
      add(a, 'AllergyIntolerance.category', 'allergy-category', form.medication
        ? '医薬品のアレルゲンですが分類が「薬剤」ではありません（薬剤アレルギー等・禁忌は分類を薬剤にします）。'
        : '薬剤以外のアレルゲンですが分類が「薬剤」になっています。');
    }
  }
  if (!a.code?.text?.trim()) add(a, 'AllergyIntolerance.code.text', 'code-text', 'アレルゲンの名称がありません。');
  if (codingsOf(a).some((x) => /^D9[MFN]/.test(x.code ?? ''))) {
    add(a, 'AllergyIntolerance.code', 'allergen-dummy', `「${a.code?.text ?? ''}」はコード化されていないアレルゲン（ダミーコード）として送信されます。`, 'warning');
  }
  const cs = a.clinicalStatus?.coding?.[0]?.code;
  if (cs && !ALLERGY_CLINICAL.has(cs)) add(a, 'AllergyIntolerance.clinicalStatus', 'clinical-binding', `状態「${cs}」はコード表にありません。`);
  const vs = a.verificationStatus?.coding?.[0]?.code;
  if (vs && !ALLERGY_VERIFICATION.has(vs)) add(a, 'AllergyIntolerance.verificationStatus', 'verification-binding', `確からしさ「${vs}」はコード表にありません。`);
}

function checkObservation(o: Observation, target: FhirTarget, add: Add) {
  checkCommon(o, add);
  for (const t of o.meta?.tag ?? []) {
    if (t.system !== CODE_SYSTEMS.indication || t.code !== 'LTS') add(o, 'Observation.meta.tag', 'observation-tags', `検査結果に付けられるフラグは長期保存のみです（「${t.code ?? ''}」）。`);
  }
  const codings = codingsOf(o);
  const local = codings.filter((x) => x.system === CODE_SYSTEMS.labLocal);
  if (local.length === 0) add(o, 'Observation.code', 'local-code', '施設固有の検査項目コードがありません。');
  for (const l of local) {
    if (!/^[A-Za-z0-9_-]+$/.test(l.code ?? '')) add(o, 'Observation.code', 'local-code-chars', `施設固有コード「${l.code ?? ''}」には英数字・ハイフン・アンダーバー以外を使えません。`);
  }
  const shared = codings.filter((x) => x.system === CODE_SYSTEMS.labCore || x.system === CODE_SYSTEMS.labInfection);
  const general = codings.filter((x) => x.system === CODE_SYSTEMS.jlac10);
  const uncoded = codings.filter((x) => x.system === CODE_SYSTEMS.labUncoded);
  if (!shared.length && !general.length && !uncoded.length) add(o, 'Observation.code', 'jlac-or-uncoded', 'JLAC10コードも未標準化コードもありません。');
  for (const u of uncoded) {
    if (u.code !== UNCODED_LAB_CODE) add(o, 'Observation.code', 'uncoded-code', `未標準化コードは ${UNCODED_LAB_CODE} でなければなりません。`);
  }
  for (const x of shared) {
    const displays = sharedLabDisplays(target, x.system!, x.code ?? '');
    if (displays.length === 0) {
      add(o, 'Observation.code', 'shared-code-in-valueset', `JLAC10コード「${x.code ?? ''}」は JP-CLINS ${target.version} の${x.system === CODE_SYSTEMS.labCore ? '指定検査43項目' : '指定感染症5項目'}のコードにありません。検査項目のJLAC10コードを確認してください。`);
    } else if (!displays.includes(x.display ?? '')) {
      add(o, 'Observation.code', 'shared-code-display', `JLAC10コード「${x.code ?? ''}」の表示名は「${displays.join('」または「')}」でなければなりません（「${x.display ?? ''}」）。`);
    }
  }
  for (const g of general) {
    if (!/^[0-9A-Z]{17}$/.test(g.code ?? '')) add(o, 'Observation.code', 'jlac10-format', `JLAC10コード「${g.code ?? ''}」の形式が正しくありません（17桁）。`);
    const item = findLabItemByJlac10(g.code ?? '');
    if (item && !shared.length) {
      add(o, 'Observation.code', 'shared-code-missing', `「${item.nameJa}」は指定検査項目ですが、JLAC10コード「${g.code ?? ''}」が JP-CLINS ${target.version} の共有項目コードにないため、共有項目として送信されません。`, 'warning');
    }
  }
  for (const text of [o.code?.text, ...codings.map((x) => x.display)]) {
    if (text && FORBIDDEN_LAB_TEXT.test(text)) add(o, 'Observation.code', 'lab-text-characters', `検査項目名「${text}」に半角カナ・全角空白・制御文字は使えません。`);
  }
  if (!o.status || !OBSERVATION_STATUS.has(o.status)) add(o, 'Observation.status', 'status-binding', '検査結果の状態が正しくありません。');
  if (o.category?.[0]?.coding?.[0]?.code !== 'laboratory') add(o, 'Observation.category', 'category', '検査結果の区分は laboratory でなければなりません。');
  const hasValue = o.valueQuantity || o.valueString || o.valueCodeableConcept;
  if (!hasValue && !o.dataAbsentReason) add(o, 'Observation.value', 'value-or-absent-reason', '結果値がありません。結果を入力するか、結果がない理由を設定してください。');
  if (hasValue && o.dataAbsentReason) add(o, 'Observation.value', 'value-and-absent-reason', '結果値と「結果なし」の理由が両方設定されています。');
  if (!o.performer?.length) add(o, 'Observation.performer', 'performer', '依頼医が設定されていません。検査を依頼した医師を設定してください。');
  const performerRef = o.performer?.[0]?.reference;
  if (performerRef && !(o.contained ?? []).some((c) => `#${c.id ?? ''}` === performerRef && c.resourceType === 'Practitioner')) {
    add(o, 'Observation.performer', 'performer-contained', '依頼医の情報が検査結果に含まれていません。');
  }
  if (!o.specimen?.display && !o.specimen?.reference) add(o, 'Observation.specimen', 'specimen', '材料（血清・尿など）がありません。');
  if (!o.effectiveDateTime) add(o, 'Observation.effective', 'effective', '採取日時がありません。');
  if (o.hasMember?.length) add(o, 'Observation.hasMember', 'no-hasMember', '検査結果の親子関係（hasMember）は送信できません（1.5.3以降の規則）。', 'warning');
}

/** Issues of the IG's text rules for one bundle. */
export function igRuleIssues(bundle: Bundle, target: FhirTarget): FhirIssue[] {
  const issues: FhirIssue[] = [];
  const add: Add = (resource, expression, rule, message, severity = 'error') =>
    issues.push({
      severity,
      message,
      resourceType: resource?.resourceType ?? 'Bundle',
      recordId: resource?.id ?? null,
      field: fieldLabel(expression),
      expression,
      rule,
    });
  checkBundle(bundle, add);
  for (const entry of bundle.entry ?? []) {
    const r = entry.resource;
    if (r?.resourceType === 'Patient') checkPatient(r, add);
    else if (r?.resourceType === 'Condition') checkCondition(r, add);
    else if (r?.resourceType === 'AllergyIntolerance') checkAllergy(r, add);
    else if (r?.resourceType === 'Observation') checkObservation(r, target, add);
  }
  return issues;
}
