/**
 * 受信した紹介状 (issue 11, docs/decisions/0058): letters other institutions sent to this clinic's 医療機関コード through
 * the 電子カルテ情報共有サービス. The `documents.inbox` job fetches the clinic's feed through the sharing port after the
 * last position it holds, stores each version as received (clinic-scoped, audited) and marks withdrawn ones. Staff read
 * them rendered in Japanese (received-document.parse.ts: any JP_Bundle_eReferral, not only ours), link one to a patient
 * (candidates by name and birth date, confirmed by a person), and import its allergies and diagnoses after review
 * through the allergy / diagnosis services (the write path) with the letter as provenance — nothing enters the chart
 * unreviewed.
 */
import { createHash } from 'node:crypto';
import { AppError, notFound } from '@/lib/core/app-error';
import { db, runInTransaction } from '@/lib/core/db';
import { parseInput } from '@/lib/core/zod';
import { isoDate } from '@/lib/core/dates';
import { toKatakana } from '@/lib/core/kana';
import { insuranceMemberId } from '@/lib/fhir/patient';
import { recordAuditEvent, recordAuditEventNow } from '@/lib/audit/audit';
import { requirePermission, type Principal } from '@/lib/auth/principal';
import { RetryJobError } from '@/lib/jobs/job-errors';
import type { AllergyDto } from '@/lib/records/allergies/allergy.dto';
import type { DiagnosisDto } from '@/lib/records/diagnoses/diagnosis.dto';
import { getSharingService } from '../get-sharing-service';
import { SharingRejectedError, SharingUnavailableError, type SharingService } from '../sharing-service';
import { recordReviewedAllergy, recordReviewedDiagnosis, withDiseaseCodes } from '../shared-records/shared-records.service';
import type { ReceivedDocumentDto, ReceivedDocumentSummaryDto, PatientCandidateDto } from './received-document.dto';
import { attachmentData, parseReceivedReferral } from './received-document.parse';
import { inboxClinics, receivedDocumentRepository as repo } from './received-document.repository';
import { INBOX_QUEUE } from './received-document.constants';
import { enqueueJob } from '@/lib/jobs/job.repository';
import {
  importReceivedAllergySchema,
  importReceivedDiagnosisSchema,
  linkReceivedSchema,
  receivedAttachmentSchema,
  receivedIdSchema,
  type ReceivedAttachmentInput,
  type ImportReceivedAllergyInput,
  type ImportReceivedDiagnosisInput,
  type LinkReceivedInput,
} from './received-document.schema';

const RESOURCE = 'received_document';
const SYSTEM_CTX = { ip: null, requestId: 'documents-inbox' };
const PAGE = 100;

export type InboxDeps = { service?: SharingService; now?: () => Date };

/**
 * Fetches the clinic's new letters (the job, no actor): every feed entry after the clinic's position is stored once,
 * in one transaction per page with its audit events; a withdrawal marks the held versions. Returns what changed.
 */
export async function fetchReceivedDocuments(clinicId: string, deps: InboxDeps = {}): Promise<{ received: number; withdrawn: number }> {
  const service = deps.service ?? getSharingService();
  const now = deps.now ?? (() => new Date());
  const clinic = await repo.clinic(clinicId);
  if (!clinic) return { received: 0, withdrawn: 0 };
  let after = await repo.lastSeq(clinicId);
  const total = { received: 0, withdrawn: 0 };
  for (;;) {
    const entries = await service.fetchInbox({ institutionNumber: clinic.institutionNumber, after, limit: PAGE });
    if (entries.length === 0) break;
    await runInTransaction(async (tx) => {
      for (const e of entries) {
        const at = now();
        if (e.deleted) {
          if ((await repo.withdraw(tx, clinicId, e.identifier, e.seq, at)) > 0) {
            total.withdrawn++;
            await recordAuditEvent(tx, { clinicId, action: 'update', resourceType: RESOURCE, detail: { intent: 'withdrawn', identifier: e.identifier, version: e.version, senderInstitution: e.senderInstitution }, ctx: SYSTEM_CTX });
          }
          continue;
        }
        if (typeof e.bundle !== 'object' || e.bundle === null) continue;
        const previous = await repo.latestOf(tx, clinicId, e.identifier);
        const id = await repo.insert(tx, {
          clinicId,
          identifier: e.identifier.slice(0, 200),
          version: e.version,
          serviceSeq: e.seq,
          senderInstitution: String(e.senderInstitution).slice(0, 10),
          bundle: e.bundle,
          contentHash: createHash('sha256').update(JSON.stringify(e.bundle)).digest('hex'),
          receivedAt: at,
          // a new version (差替) of a letter already linked stays with that patient
          patientId: previous?.patientId ?? null,
          linkedById: previous?.linkedById ?? null,
          linkedAt: previous?.linkedAt ?? null,
        });
        if (id) {
          total.received++;
          await recordAuditEvent(tx, { clinicId, action: 'create', resourceType: RESOURCE, resourceId: id, patientId: previous?.patientId ?? null, detail: { identifier: e.identifier, version: e.version, senderInstitution: e.senderInstitution }, ctx: SYSTEM_CTX });
        }
      }
    });
    after = entries[entries.length - 1]!.seq;
    if (entries.length < PAGE) break;
  }
  return total;
}

/** The job's handler: an outage or a refusal is retried later (the feed keeps everything). */
export async function runInboxJob(job: { clinicId: string }, deps: InboxDeps = {}): Promise<void> {
  try {
    await fetchReceivedDocuments(job.clinicId, deps);
  } catch (error) {
    if (error instanceof SharingUnavailableError) throw new RetryJobError(error.message, error.retryAfterMs);
    if (error instanceof SharingRejectedError) throw new RetryJobError(error.message);
    throw error;
  }
}

/** Queues every clinic's inbox fetch every `intervalMs` (the worker process); the job coalesces per clinic. */
export function startInboxPolling(options: { intervalMs: number; clinicIds?: string[]; onQueued?: () => void }) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const pass = async () => {
    try {
      const now = new Date();
      for (const clinicId of await inboxClinics(options.clinicIds)) {
        await enqueueJob(db(), { clinicId, queue: INBOX_QUEUE, key: 'inbox', payload: {}, now, maxAttempts: 10 });
      }
      options.onQueued?.();
    } catch {
      // the next pass queues them again
    }
    if (!stopped) timer = setTimeout(() => void pass(), options.intervalMs);
  };
  void pass();
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

/** 受信確認: fetch now, for staff who are waiting for a letter. */
export async function fetchInboxNow(_input: object, actor: Principal, deps: InboxDeps = {}): Promise<{ received: number; withdrawn: number }> {
  await requirePermission(actor, 'chart.read');
  try {
    return await fetchReceivedDocuments(actor.clinicId, deps);
  } catch (error) {
    if (error instanceof SharingUnavailableError) throw new AppError('PRECONDITION_FAILED', `${error.message}。しばらくしてから再度お試しください。`);
    throw error;
  }
}

type Row = NonNullable<Awaited<ReturnType<typeof repo.find>>>;

function summary(r: Row | Awaited<ReturnType<typeof repo.list>>[number]): ReceivedDocumentSummaryDto {
  const view = parseReceivedReferral(r.bundle, { identifier: r.identifier, senderInstitution: r.senderInstitution, receivedAt: r.receivedAt.toISOString() });
  return {
    id: r.id,
    identifier: r.identifier,
    version: r.version,
    senderName: view.sender.name,
    senderInstitution: r.senderInstitution,
    patientName: view.patient.name,
    patientBirthDate: view.patient.birthDate,
    receivedAt: r.receivedAt.toISOString(),
    withdrawn: Boolean(r.withdrawnAt),
    linkedPatient: r.patient ? { id: r.patient.id, name: `${r.patient.familyName} ${r.patient.givenName}`, patientNumber: r.patient.patientNumber } : null,
  };
}

/** The inbox: received letters, newest first (each version its own line); an audited read. */
export async function listReceivedDocuments(actor: Principal): Promise<ReceivedDocumentSummaryDto[]> {
  await requirePermission(actor, 'chart.read');
  const rows = await repo.list(actor.clinicId);
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: RESOURCE, detail: { view: 'inbox', count: rows.length }, ctx: actor.ctx });
  return rows.map(summary);
}

const splitName = (name: string | null) => {
  const [family, ...rest] = (name ?? '').trim().split(/[\s　]+/);
  return { family: family || null, given: rest.join('') || null };
};

/** The letter's 被保険者個人識別子 (保険者番号:記号:番号:枝番) in the form we write ours, to compare with a patient's 保険. */
function memberOf(raw: string | null): { id: string; insurerNumber: string; numbers: string[] } | null {
  const parts = (raw ?? '').split(':');
  if (parts.length !== 4 || !/^\d{6,8}$/.test(parts[0]!.normalize('NFKC')) || !parts[2]) return null;
  const [insurerNumber, symbol, number, branch] = parts as [string, string, string, string];
  const id = insuranceMemberId({ insurerNumber, symbol, number, branch });
  // the 番号 as the letter writes it and half-width (a patient's 保険 may hold either)
  return { id, insurerNumber: id.slice(0, 8), numbers: [...new Set([number, number.normalize('NFKC')])] };
}

async function candidatesFor(clinicId: string, view: ReturnType<typeof parseReceivedReferral>): Promise<PatientCandidateDto[]> {
  const name = splitName(view.patient.name);
  const kana = splitName(view.patient.kana ? toKatakana(view.patient.kana) : null);
  const birth = view.patient.birthDate && /^\d{4}-\d{2}-\d{2}$/.test(view.patient.birthDate) ? new Date(`${view.patient.birthDate}T00:00:00Z`) : null;
  const member = memberOf(view.patient.memberId);
  if (!birth && !name.family && !kana.family && !member) return [];
  const insurerNumbers = member ? [...new Set([member.insurerNumber, member.insurerNumber.replace(/^00(?=\d{6}$)/, '')])] : [];
  // two queries: the member (保険者番号 and 番号; the 保険者番号 alone matches a large share of a clinic's patients, one 国保 or
  // 協会けんぽ 支部), and the name and birth date terms, whose rows could otherwise fill the 50 and push out that member
  const [byPerson, byInsurer] = await Promise.all([
    repo.candidates(clinicId, { birthDate: birth, family: name.family, given: name.given, familyKana: kana.family, givenKana: kana.given, insurerNumbers: [], memberNumbers: [] }),
    member ? repo.candidates(clinicId, { birthDate: null, family: null, given: null, familyKana: null, givenKana: null, insurerNumbers, memberNumbers: member.numbers }) : Promise.resolve([]),
  ]);
  const rows = [...new Map([...byPerson, ...byInsurer].map((p) => [p.id, p])).values()];
  return rows
    .map((p) => {
      const matches: string[] = [];
      if (name.family && p.familyName === name.family && p.givenName === name.given) matches.push('氏名');
      if (kana.family && p.familyNameKana === kana.family && p.givenNameKana === kana.given) matches.push('カナ');
      if (birth && isoDate(p.birthDate) === view.patient.birthDate) matches.push('生年月日');
      if (member && p.insurances.some((i) => insuranceMemberId(i) === member.id)) matches.push('被保険者番号');
      return { id: p.id, patientNumber: p.patientNumber, name: `${p.familyName} ${p.givenName}`, kana: `${p.familyNameKana} ${p.givenNameKana}`, birthDate: isoDate(p.birthDate), matches };
    })
    .filter((c) => c.matches.length > 0)
    .sort((a, b) => b.matches.length - a.matches.length || a.patientNumber - b.patientNumber)
    .slice(0, 10);
}

/** One received letter, rendered, with the patients it may belong to; an audited read. */
export async function getReceivedDocument(raw: { receivedId: string }, actor: Principal): Promise<ReceivedDocumentDto> {
  await requirePermission(actor, 'chart.read');
  const { receivedId } = parseInput(receivedIdSchema, raw);
  const row = await repo.find(actor.clinicId, receivedId);
  if (!row) throw notFound();
  const view = parseReceivedReferral(row.bundle, { identifier: row.identifier, senderInstitution: row.senderInstitution, receivedAt: row.receivedAt.toISOString() });
  const [newest, candidates, diagnoses] = await Promise.all([
    repo.newestVersion(actor.clinicId, row.identifier),
    row.patientId ? Promise.resolve([]) : candidatesFor(actor.clinicId, view),
    withDiseaseCodes(view.diagnoses),
  ]);
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: RESOURCE, resourceId: row.id, patientId: row.patientId, detail: { identifier: row.identifier, version: row.version }, ctx: actor.ctx });
  return { ...summary(row), view: { ...view, diagnoses }, supersededBy: newest > row.version ? newest : null, candidates, importedEntries: row.importedEntries };
}

/** Links the letter (every version of it) to a patient of the clinic, as a person confirmed it. */
export async function linkReceivedDocument(raw: LinkReceivedInput, actor: Principal): Promise<ReceivedDocumentSummaryDto> {
  await requirePermission(actor, 'document.write');
  const input = parseInput(linkReceivedSchema, raw);
  const row = await repo.find(actor.clinicId, input.receivedId);
  if (!row) throw notFound();
  const patient = await repo.patient(actor.clinicId, input.patientId);
  if (!patient) throw new AppError('INVALID_INPUT', '患者が見つかりません。選択し直してください。', { patientId: '患者を選択し直してください。' });
  await runInTransaction(async (tx) => {
    await repo.link(tx, actor.clinicId, row.identifier, patient.id, actor.userId, new Date());
    await recordAuditEvent(tx, { clinicId: actor.clinicId, actor, action: 'update', resourceType: RESOURCE, resourceId: row.id, patientId: patient.id, detail: { intent: 'link', identifier: row.identifier, previousPatientId: row.patientId }, ctx: actor.ctx });
  });
  return summary((await repo.find(actor.clinicId, row.id))!);
}

/** The linked letter's entry, parsed again from the stored bundle (never taken from the client). */
async function linkedEntry(actor: Principal, receivedId: string, index: number) {
  const row = await repo.find(actor.clinicId, receivedId);
  if (!row) throw notFound();
  if (!row.patientId) throw new AppError('PRECONDITION_FAILED', '先に患者と紐付けてください。');
  if (row.withdrawnAt) throw new AppError('PRECONDITION_FAILED', 'この紹介状は送信元で取り消されています。取り込めません。');
  const view = parseReceivedReferral(row.bundle, { identifier: row.identifier, senderInstitution: row.senderInstitution, receivedAt: row.receivedAt.toISOString() });
  const entry = [...view.diagnoses, ...view.allergies, ...view.labs].find((e) => e.index === index);
  if (!entry) throw new AppError('NOT_FOUND', '取り込む項目が紹介状にありません。');
  return { row, patientId: row.patientId, entry };
}

const importFacts = (row: { id: string; identifier: string; version: number }) => ({ receivedDocument: { id: row.id, identifier: row.identifier, version: row.version } });

/** Imports a reviewed allergy of the linked letter into the chart (the allergy service's write path). */
export async function importReceivedAllergy(raw: ImportReceivedAllergyInput, actor: Principal): Promise<AllergyDto> {
  await requirePermission(actor, 'shared.copy');
  const { receivedId, index, ...data } = parseInput(importReceivedAllergySchema, raw);
  const { row, patientId, entry } = await linkedEntry(actor, receivedId, index);
  const written = await recordReviewedAllergy(patientId, entry, data, actor, importFacts(row));
  await runInTransaction((tx) => repo.markImported(tx, actor.clinicId, row.id, `allergy:${index}`));
  return written;
}

/** Imports a reviewed diagnosis of the linked letter into the chart (the diagnosis service's write path). */
export async function importReceivedDiagnosis(raw: ImportReceivedDiagnosisInput, actor: Principal): Promise<DiagnosisDto> {
  await requirePermission(actor, 'shared.copy');
  const { receivedId, index, ...data } = parseInput(importReceivedDiagnosisSchema, raw);
  const { row, patientId, entry } = await linkedEntry(actor, receivedId, index);
  const written = await recordReviewedDiagnosis(patientId, entry, data, actor, importFacts(row));
  await runInTransaction((tx) => repo.markImported(tx, actor.clinicId, row.id, `diagnosis:${index}`));
  return written;
}

/**
 * One 添付資料 of a received letter, its bytes as sent (a PDF or image to view, anything else to download): found
 * again in the stored bundle by the index the page listed, never taken from the client. An audited read.
 */
export async function getReceivedAttachment(raw: ReceivedAttachmentInput, actor: Principal): Promise<{ title: string; contentType: string; viewable: boolean; data: Buffer }> {
  await requirePermission(actor, 'chart.read');
  const input = parseInput(receivedAttachmentSchema, raw);
  const row = await repo.find(actor.clinicId, input.receivedId);
  if (!row) throw notFound();
  const view = parseReceivedReferral(row.bundle, { identifier: row.identifier, senderInstitution: row.senderInstitution, receivedAt: row.receivedAt.toISOString() });
  const listed = view.attachments.find((a) => a.index === input.index);
  const entries = ((row.bundle as { entry?: unknown[] }).entry ?? []) as Record<string, unknown>[];
  const reference = entries[input.index]?.resource as Record<string, unknown> | undefined;
  const data = listed && reference ? attachmentData(entries, reference) : null;
  if (!listed || !data) throw new AppError('NOT_FOUND', '添付資料が見つかりません。');
  await recordAuditEventNow({ clinicId: actor.clinicId, actor, action: 'read', resourceType: RESOURCE, resourceId: row.id, patientId: row.patientId, detail: { view: 'attachment', identifier: row.identifier, version: row.version, index: input.index }, ctx: actor.ctx });
  return { title: listed.title, contentType: listed.contentType, viewable: listed.viewable, data: Buffer.from(data.base64, 'base64') };
}
