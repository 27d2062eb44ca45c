/**
 * A bundle as staff read it before it is sent: Japanese labels and values per record, plus the raw JSON.
 * Pure data (no React): the preview screen lays it out; renderBundleText() prints it.
 */
import type { AllergyIntolerance, Bundle, Coding, Condition, Extension, Observation, Patient, Resource } from '@medplum/fhirtypes';
import { CODE_SYSTEMS, EXTENSIONS, ID_SYSTEMS, INDICATION_DISPLAYS, type IndicationFlag } from './profiles';

export interface RenderedRow {
  label: string;
  value: string;
}
export interface RenderedRecord {
  /** the lineage id (what validation issues point at) */
  id: string;
  resourceType: string;
  heading: string;
  flags: string[];
  rows: RenderedRow[];
}
export interface RenderedBundle {
  /** 傷病名 / アレルギー / 検査結果 */
  kind: string;
  identifier: string;
  timestamp: string;
  patient: RenderedRow[];
  records: RenderedRecord[];
  json: string;
}

const KIND_LABELS: Record<string, string> = { Condition: '傷病名', AllergyIntolerance: 'アレルギー', Observation: '検査結果' };
const GENDER_LABELS: Record<string, string> = { male: '男性', female: '女性', other: 'その他', unknown: '不明' };
const CONDITION_STATUS: Record<string, string> = { active: '継続', inactive: '終了', resolved: '治癒', remission: '寛解', recurrence: '再発', relapse: '再燃' };
const ALLERGY_STATUS: Record<string, string> = { active: '有効', inactive: '非活動', resolved: '解消' };
const ALLERGY_CATEGORY: Record<string, string> = { medication: '薬剤アレルギー等', food: 'その他アレルギー等（食物）', environment: 'その他アレルギー等（環境）' };
const SEVERITY: Record<string, string> = { mild: '軽度', moderate: '中等度', severe: '重度' };
const INTERPRETATION: Record<string, string> = { H: '高値', L: '低値', N: '基準内' };
const ENCOUNTER: Record<string, string> = { AMB: '外来', IMP: '入院' };
const CODE_SYSTEM_LABELS: Record<string, string> = {
  [CODE_SYSTEMS.medisDisease]: 'MEDIS病名管理番号',
  [CODE_SYSTEMS.medisExchange]: '病名交換用コード',
  [CODE_SYSTEMS.receiptDisease]: 'レセ電傷病名コード',
  [CODE_SYSTEMS.icd10]: 'ICD-10',
  [CODE_SYSTEMS.jfagyMedicationYcm]: 'YJコード（YCM）',
  [CODE_SYSTEMS.jfagyMedicationGcm]: '一般名（GCM）',
  [CODE_SYSTEMS.jfagyFood]: 'J-FAGY 食物',
  [CODE_SYSTEMS.jfagyNonFood]: 'J-FAGY 非食物',
  [CODE_SYSTEMS.labLocal]: '施設固有コード',
  [CODE_SYSTEMS.labCore]: '指定検査43項目',
  [CODE_SYSTEMS.labInfection]: '指定感染症5項目',
  [CODE_SYSTEMS.jlac10]: 'JLAC10',
  [CODE_SYSTEMS.labUncoded]: '未標準化コード',
};

const codingText = (c: Coding) => `${CODE_SYSTEM_LABELS[c.system ?? ''] ?? c.system ?? ''} ${c.code ?? ''}${c.display ? `（${c.display}）` : ''}`;
const dateText = (d: string | undefined) => (d ? d.replace(/^(\d{4})-(\d\d)-(\d\d)(T(\d\d):(\d\d).*)?$/, (_m, y, mo, da, t, h, mi) => `${y}/${mo}/${da}${t ? ` ${h}:${mi}` : ''}`) : '—');

function flagsOf(r: Resource): string[] {
  return (r.meta?.tag ?? []).filter((t) => t.system === CODE_SYSTEMS.indication).map((t) => INDICATION_DISPLAYS[t.code as IndicationFlag] ?? t.code ?? '');
}

function department(extension: Extension[] | undefined): string {
  const e = extension?.find((x) => x.url === EXTENSIONS.department)?.valueCodeableConcept;
  return e ? (e.text ?? e.coding?.[0]?.display ?? '') : '（未設定）';
}

function encounterOf(r: { contained?: Resource[] }): string {
  const enc = r.contained?.find((c) => c.resourceType === 'Encounter') as { class?: { code?: string } } | undefined;
  return ENCOUNTER[enc?.class?.code ?? ''] ?? '—';
}

function patientRows(p: Patient): RenderedRow[] {
  const name = p.name?.find((n) => n.extension?.some((e) => e.valueCode === 'IDE'))?.text ?? '';
  const kana = p.name?.find((n) => n.extension?.some((e) => e.valueCode === 'SYL'))?.text ?? '';
  const member = p.identifier?.find((i) => i.system === ID_SYSTEMS.insuranceMember || i.system === ID_SYSTEMS.publicPayerMember);
  const number = p.identifier?.find((i) => i.system?.startsWith('urn:oid:1.2.392.100495.20.3.51.'));
  return [
    { label: '氏名', value: `${name}（${kana}）` },
    { label: '患者番号', value: number?.value ?? '—' },
    { label: '性別', value: GENDER_LABELS[p.gender ?? ''] ?? '—' },
    { label: '生年月日', value: dateText(p.birthDate) },
    { label: '住所', value: p.address?.[0]?.text ?? '（未登録）' },
    {
      label: member?.system === ID_SYSTEMS.publicPayerMember ? '生活保護受給者識別子' : '被保険者個人識別子',
      value: member?.value ?? '（医療保険の登録なし）',
    },
  ];
}

function conditionRecord(c: Condition): RenderedRecord {
  const modifiers = (c.code?.extension ?? []).map((e) => e.valueCodeableConcept?.coding?.[0]?.display ?? '').filter(Boolean);
  const primary = c.extension?.some((e) => e.url === EXTENSIONS.diagnosisType);
  const status = c.clinicalStatus?.text ?? CONDITION_STATUS[c.clinicalStatus?.coding?.[0]?.code ?? ''] ?? '—';
  return {
    id: c.id ?? '',
    resourceType: 'Condition',
    heading: `${c.code?.text ?? ''}${primary ? '（主病名）' : ''}`,
    flags: flagsOf(c),
    rows: [
      { label: 'コード', value: (c.code?.coding ?? []).map(codingText).join(' / ') },
      ...(modifiers.length ? [{ label: '修飾語', value: modifiers.join('・') }] : []),
      { label: '確からしさ', value: c.verificationStatus?.coding?.[0]?.code === 'unconfirmed' ? '疑い' : '確定' },
      { label: '開始日', value: dateText(c.onsetDateTime) },
      { label: '転帰', value: c.abatementDateTime ? `${status}（${dateText(c.abatementDateTime)}）` : status },
      { label: '診療科', value: department(c.extension) },
      { label: '入外', value: encounterOf(c) },
      ...(c.note?.length ? [{ label: 'メモ', value: c.note.map((n) => n.text).join(' ') }] : []),
    ],
  };
}

function allergyRecord(a: AllergyIntolerance): RenderedRecord {
  const reaction = a.reaction?.[0];
  return {
    id: a.id ?? '',
    resourceType: 'AllergyIntolerance',
    heading: a.code?.text ?? '',
    flags: flagsOf(a),
    rows: [
      { label: '区分', value: ALLERGY_CATEGORY[a.category?.[0] ?? ''] ?? 'その他アレルギー等' },
      { label: 'コード', value: (a.code?.coding ?? []).map(codingText).join(' / ') },
      { label: '状態', value: `${ALLERGY_STATUS[a.clinicalStatus?.coding?.[0]?.code ?? ''] ?? '—'}・${a.verificationStatus?.coding?.[0]?.code === 'unconfirmed' ? '未確認（疑い）' : '確認済'}` },
      { label: '症状', value: reaction ? `${reaction.manifestation?.[0]?.text ?? '（記載なし）'}${reaction.severity ? `（${SEVERITY[reaction.severity]}）` : ''}` : '—' },
      { label: '発症日', value: dateText(a.onsetDateTime) },
      { label: '診療科', value: department(a.extension) },
      ...(a.note?.length ? [{ label: 'メモ', value: a.note.map((n) => n.text).join(' ') }] : []),
    ],
  };
}

function observationValue(o: Observation): string {
  if (o.valueQuantity) {
    const q = o.valueQuantity;
    return `${q.comparator ?? ''}${q.value ?? ''}${q.unit ? ` ${q.unit}` : ''}`;
  }
  if (o.valueString) return o.valueString;
  if (o.valueCodeableConcept) return o.valueCodeableConcept.text ?? o.valueCodeableConcept.coding?.[0]?.display ?? '';
  return `結果なし（${o.dataAbsentReason?.coding?.[0]?.code ?? ''}）`;
}

function observationRecord(o: Observation): RenderedRecord {
  const range = o.referenceRange?.[0];
  const rangeText = range ? (range.text ?? `${range.low?.value ?? ''}〜${range.high?.value ?? ''}`) : '';
  const interpretation = INTERPRETATION[o.interpretation?.[0]?.coding?.[0]?.code ?? ''];
  return {
    id: o.id ?? '',
    resourceType: 'Observation',
    heading: o.code?.text ?? '',
    flags: flagsOf(o),
    rows: [
      { label: '結果', value: `${observationValue(o)}${interpretation ? `（${interpretation}）` : ''}` },
      ...(rangeText ? [{ label: '基準値', value: rangeText }] : []),
      { label: 'コード', value: (o.code?.coding ?? []).map(codingText).join(' / ') },
      { label: '材料', value: o.specimen?.display ?? '—' },
      { label: '採取日時', value: dateText(o.effectiveDateTime) },
      { label: '依頼医', value: o.performer?.[0]?.display ?? '（未設定）' },
      { label: '診療科', value: department(o.extension) },
    ],
  };
}

/** The preview of one bundle. */
export function renderBundle(bundle: Bundle): RenderedBundle {
  const entries = (bundle.entry ?? []).map((e) => e.resource).filter((r): r is Resource => !!r);
  const patient = entries.find((r): r is Patient => r.resourceType === 'Patient');
  const kindTag = bundle.meta?.tag?.find((t) => t.system === CODE_SYSTEMS.bundleResourceType)?.code ?? '';
  const records = entries.flatMap((r) => {
    if (r.resourceType === 'Condition') return [conditionRecord(r)];
    if (r.resourceType === 'AllergyIntolerance') return [allergyRecord(r)];
    if (r.resourceType === 'Observation') return [observationRecord(r)];
    return [];
  });
  return {
    kind: KIND_LABELS[kindTag] ?? kindTag,
    identifier: bundle.identifier?.value ?? '',
    timestamp: dateText(bundle.timestamp),
    patient: patient ? patientRows(patient) : [],
    records,
    json: JSON.stringify(bundle, null, 2),
  };
}

/** The preview as plain text (CLI, logs of the sandbox). */
export function renderBundleText(bundle: Bundle): string {
  const r = renderBundle(bundle);
  const lines = [`【${r.kind}】 ${r.identifier}（作成 ${r.timestamp}）`, ...r.patient.map((row) => `  ${row.label}: ${row.value}`)];
  for (const rec of r.records) {
    lines.push(`- ${rec.heading}${rec.flags.length ? ` [${rec.flags.join('・')}]` : ''}`);
    for (const row of rec.rows) lines.push(`    ${row.label}: ${row.value}`);
  }
  return lines.join('\n');
}
