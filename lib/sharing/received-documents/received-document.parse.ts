/**
 * A received 診療情報提供書 (any valid JP-CLINS JP_Bundle_eReferral, not only ours) read back into what the inbox shows
 * in Japanese: the letter's header (sender, author, destination, date), the patient as written in it, each section's
 * title and text (narratives stripped to plain text), and its clinical entries through the 6情報 entry parser. It comes
 * from outside: every field is checked, nothing here throws, what cannot be read is counted as a problem. Pure.
 */
import { ID_SYSTEMS } from '@/lib/fhir/profiles';
import { parseClinicalEntry } from '../shared-records/shared-records.parse';
import type { ReceivedReferralView } from './received-document.dto';
import type { SharedAllergyDto, SharedDiagnosisDto, SharedLabDto, SharedSource } from '../shared-records/shared-records.dto';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, max = 200): string | null => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const SECTION_SYSTEM = 'http://jpfhir.jp/fhir/clins/CodeSystem/document-section';
const NAME_REPRESENTATION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';

/** XHTML narrative → plain text with its line breaks (no markup survives). */
export function narrativeText(div: unknown): string {
  const html = str(div, 20_000);
  if (!html) return '';
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const sectionCode = (s: Obj) => arr(isObj(s.code) ? s.code.coding : []).filter(isObj).find((c) => c.system === SECTION_SYSTEM)?.code;

function humanName(r: Obj | undefined, representation: 'IDE' | 'SYL'): string | null {
  if (!r) return null;
  const names = arr(r.name).filter(isObj);
  const pick = names.find((n) => arr(n.extension).some((e) => isObj(e) && e.url === NAME_REPRESENTATION && e.valueCode === representation)) ?? (representation === 'IDE' ? names[0] : undefined);
  if (!pick) return null;
  return str(pick.text, 100) ?? ([str(pick.family, 50), ...arr(pick.given).map((g) => str(g, 50))].filter(Boolean).join(' ') || null);
}

const GENDER_LABELS: Record<string, string> = { male: '男', female: '女', other: 'その他', unknown: '不明' };

type Meta = { identifier: string; senderInstitution: string; receivedAt: string };

/** The inline-viewable attachment types (anything else is offered as a download only). */
export const VIEWABLE_ATTACHMENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg'];

/**
 * The bytes of a DocumentReference's attachment inside the letter: inline `data`, or the Binary its `url` names.
 * Null when neither is there.
 */
export function attachmentData(entries: Obj[], reference: Obj): { contentType: string; base64: string } | null {
  const content = arr(reference.content).filter(isObj)[0];
  const a = content && isObj(content.attachment) ? content.attachment : undefined;
  if (!a) return null;
  const url = str(a.url, 300);
  const binary = url ? entries.find((e) => e.fullUrl === url && isObj(e.resource) && e.resource.resourceType === 'Binary')?.resource : undefined;
  const base64 = typeof a.data === 'string' ? a.data : isObj(binary) && typeof binary.data === 'string' ? binary.data : null;
  const contentType = str(a.contentType, 100) ?? (isObj(binary) ? str(binary.contentType, 100) : null);
  return base64 && contentType ? { contentType, base64 } : null;
}

/**
 * A file a section refers to (a DocumentReference: 210 添付情報, 330 臨床経過, 220 備考・連絡情報, 230 PDF), listed by its
 * entry index with the section it came from; one whose bytes are not inside the letter (a `url` elsewhere) is a problem.
 */
function readFile(resource: Obj, index: number, entries: Obj[], view: ReceivedReferralView, sectionTitle: string | null) {
  if (view.attachments.some((x) => x.index === index)) return;
  const a = arr(resource.content).filter(isObj).map((c) => (isObj(c.attachment) ? c.attachment : {}))[0] ?? {};
  const data = attachmentData(entries, resource);
  const title = str(a.title, 200) ?? str(resource.description, 200) ?? '添付ファイル';
  if (!data) {
    view.problems.push(`添付資料「${title}」の中身が文書内にありません。`);
    return;
  }
  const size = typeof a.size === 'number' ? a.size : Math.floor((data.base64.length * 3) / 4);
  view.attachments.push({ index, title, contentType: data.contentType, size, viewable: VIEWABLE_ATTACHMENT_TYPES.includes(data.contentType), section: sectionTitle });
}

/** Section 210 添付情報: files (DocumentReference) listed by entry index, attached documents (Bundle) rendered. */
function readAttachments(s: Obj, entries: Obj[], entryIndex: Map<string | null, number>, view: ReceivedReferralView, meta: Meta, nested: boolean) {
  for (const r of arr(s.entry).slice(0, 50)) {
    const index = entryIndex.get(isObj(r) ? str(r.reference, 300) : null);
    const resource = index === undefined ? undefined : entries[index]!.resource;
    if (!isObj(resource) || index === undefined) {
      view.problems.push('添付資料の参照先が文書内にありません。');
      continue;
    }
    if (resource.resourceType === 'DocumentReference') {
      readFile(resource, index, entries, view, null);
    } else if (resource.resourceType === 'Bundle' && !nested) {
      const { attachments: _a, attachedDocuments: _d, ...attached } = parseDocument(resource, meta, true);
      view.attachedDocuments.push(attached);
    } else view.problems.push('読み取れない添付資料があります。');
  }
}

export function parseReceivedReferral(bundle: unknown, meta: Meta): ReceivedReferralView {
  return parseDocument(bundle, meta, false);
}

/** One document bundle; `nested`: an attached document (its own attachments are not followed). */
function parseDocument(bundle: unknown, meta: Meta, nested: boolean): ReceivedReferralView {
  const problems: string[] = [];
  const view: ReceivedReferralView = {
    title: '診療情報提供書',
    date: null,
    sender: { name: null, code: meta.senderInstitution, doctor: null },
    destination: { name: null, code: null, doctor: null },
    patient: { name: null, kana: null, birthDate: null, sexLabel: null, memberId: null },
    sections: [],
    diagnoses: [],
    allergies: [],
    labs: [],
    medications: [],
    attachments: [],
    attachedDocuments: [],
    problems,
  };
  if (!isObj(bundle) || bundle.resourceType !== 'Bundle' || bundle.type !== 'document') {
    problems.push('受信した文書の形式が正しくないため表示できません。');
    return view;
  }
  const entries = arr(bundle.entry).slice(0, 2000).filter(isObj);
  const byUrl = new Map(entries.map((e) => [str(e.fullUrl, 300), isObj(e.resource) ? e.resource : undefined]));
  const composition = entries[0] && isObj(entries[0].resource) && entries[0].resource.resourceType === 'Composition' ? entries[0].resource : undefined;
  if (!composition) {
    problems.push('文書の構成（Composition）がないため表示できません。');
    return view;
  }
  view.title = str(composition.title, 100) ?? view.title;
  view.date = str(composition.date, 40);
  const ref = (r: unknown) => (isObj(r) ? byUrl.get(str(r.reference, 300)) : undefined);
  const patient = ref(composition.subject);
  if (patient?.resourceType === 'Patient') {
    view.patient = {
      name: humanName(patient, 'IDE'),
      kana: humanName(patient, 'SYL'),
      birthDate: str(patient.birthDate, 10),
      sexLabel: GENDER_LABELS[str(patient.gender, 10) ?? ''] ?? null,
      memberId: str(arr(patient.identifier).filter(isObj).find((i) => i.system === ID_SYSTEMS.insuranceMember)?.value, 100),
    };
  } else problems.push('文書の患者情報を読み取れませんでした。');

  const sections = arr(composition.section).filter(isObj);
  const party = (code: string) => {
    const refs = arr(sections.find((s) => sectionCode(s) === code)?.entry).map(ref);
    const org = refs.find((r) => r?.resourceType === 'Organization');
    const doctor = refs.find((r) => r?.resourceType === 'Practitioner');
    return {
      name: org ? str(org.name, 200) : null,
      code: org ? str(arr(org.identifier).filter(isObj).find((i) => i.system === ID_SYSTEMS.institutionNumber)?.value, 10) : null,
      doctor: humanName(doctor, 'IDE'),
    };
  };
  const from = party('920');
  // 紹介元医師 is optional in 920 (0..1): then the letter's author (Composition.author, a Practitioner) wrote it
  const author = arr(composition.author).map(ref).find((r) => r?.resourceType === 'Practitioner');
  view.sender = { name: from.name, code: from.code ?? meta.senderInstitution, doctor: from.doctor ?? humanName(author, 'IDE') };
  view.destination = party('910');

  const source: SharedSource = { institutionNumber: view.sender.code, institutionName: view.sender.name ?? `医療機関 ${view.sender.code}`, registeredAt: meta.receivedAt, identifier: meta.identifier };
  const entryIndex = new Map(entries.map((e, i) => [str(e.fullUrl, 300), i]));
  let unreadable = 0;
  const dangling = new Set<string>();
  const walk = (list: Obj[], depth: number) => {
    for (const s of list.slice(0, 50)) {
      const code = str(sectionCode(s), 10);
      if (code === '920' || code === '910') continue;
      const title = str(s.title, 100) ?? '（表題なし）';
      let text = isObj(s.text) ? narrativeText(s.text.div) : '';
      // 950 紹介目的 may be written only as the referenced Encounter's reasonCode (the narrative is not required)
      if (code === '950' && !text) text = purposeOf(arr(s.entry).map(ref));
      const sub = arr(s.section).filter(isObj);
      if (code !== '300' || text) view.sections.push({ code, title, text, depth });
      if (code === '210') {
        readAttachments(s, entries, entryIndex, view, meta, nested);
        continue;
      }
      for (const r of arr(s.entry)) {
        const url = isObj(r) ? str(r.reference, 300) : null;
        const index = entryIndex.get(url);
        const resource = index === undefined ? undefined : entries[index]!.resource;
        if (!isObj(resource) || index === undefined) {
          dangling.add(title);
          continue;
        }
        if (resource.resourceType === 'DocumentReference') {
          readFile(resource, index, entries, view, title);
          continue;
        }
        if (resource.resourceType === 'MedicationRequest') {
          const med = isObj(resource.medicationCodeableConcept) ? resource.medicationCodeableConcept : {};
          const name = str(med.text) ?? str(arr(med.coding).filter(isObj).find((c) => c.display)?.display);
          const dosage = arr(resource.dosageInstruction).filter(isObj)[0];
          if (name) view.medications.push({ name, dosage: dosage ? str(dosage.text, 200) : null });
          else unreadable++;
          continue;
        }
        const item = parseClinicalEntry(resource, { source, identifier: meta.identifier, index });
        if (!item) {
          if (['Condition', 'AllergyIntolerance', 'Observation'].includes(String(resource.resourceType))) unreadable++;
          continue;
        }
        if (item.kind === 'diagnosis') pushOnce(view.diagnoses, item);
        else if (item.kind === 'allergy') pushOnce(view.allergies, item);
        else pushOnce(view.labs, item);
      }
      if (depth < 3) walk(sub, depth + 1);
    }
  };
  walk(sections, 0);
  for (const title of dangling) problems.push(`「${title}」セクションの参照先が文書内にありません。`);
  if (unreadable) problems.push(`記載された情報のうち${unreadable}件は形式が正しくないため表示できません。`);
  return view;
}

/** The reasonCode texts (or codings' displays) of the Encounters a 950 紹介目的 section refers to. */
function purposeOf(resources: (Obj | undefined)[]): string {
  return resources
    .filter((r): r is Obj => r?.resourceType === 'Encounter')
    .flatMap((e) => arr(e.reasonCode).filter(isObj))
    .map((c) => str(c.text, 2000) ?? str(arr(c.coding).filter(isObj).find((x) => x.display)?.display, 200))
    .filter((t): t is string => Boolean(t))
    .join('\n');
}

function pushOnce<T extends SharedDiagnosisDto | SharedAllergyDto | SharedLabDto>(list: T[], item: T) {
  if (!list.some((x) => x.index === item.index)) list.push(item);
}
