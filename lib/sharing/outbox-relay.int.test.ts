/**
 * The outbox relay's claimed rows become units and delivery jobs in one multi-row upsert each (markUnitsChanged):
 * every unit as markUnitChanged would mark it alone — rows of one unit coalesce, a unit being sent stays 送信中 and its
 * running job runs once more, a sent unit is 未送信 again with a new deadline, lab reports are units of their own.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { db } from '@/lib/core/db';
import { claimJobs, findJobByKey } from '@/lib/jobs/job.repository';
import { clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { relayClinicOutbox } from './outbox-relay.repository';
import { DELIVER_QUEUE, type UnitKind } from './sharing.constants';
import { findUnit, markUnitChanged, markUnitsChanged, nextMorningJst, updateUnit } from './sharing-unit.repository';

let doctor: Actor;
let clinicId: string;

beforeAll(async () => {
  const staff = await clinicWithStaff();
  doctor = staff.doctor;
  clinicId = staff.clinic.id;
});

async function outboxRow(patientId: string, unitKind: Exclude<UnitKind, 'document'>, labReportId: string | null = null) {
  await db().sharingOutbox.create({ data: { clinicId, patientId, unitKind, labReportId, reason: 'create', recordId: randomUUID() } });
}
const unitOf = async (patientId: string, kind: UnitKind, labReportId = '') =>
  db().sharingUnit.findUniqueOrThrow({ where: { clinicId_patientId_kind_labReportId: { clinicId, patientId, kind, labReportId } } });

describe('outbox relay', () => {
  it('turns every claimed row into its unit and delivery job, each as markUnitChanged marks it alone', async () => {
    const [a, b, sending, sent] = await Promise.all([1, 2, 3, 4].map(() => createPatient(doctor)));
    const before = new Date('2026-12-01T03:00:00Z');
    // a unit whose send is running (its job claimed), and a unit sent on an earlier day
    const { unitId: sendingId } = await markUnitChanged(db(), { clinicId, patientId: sending!.id, kind: 'diagnoses' }, before);
    await updateUnit(db(), clinicId, sendingId, { state: 'sending' }, before);
    const { unitId: sentId } = await markUnitChanged(db(), { clinicId, patientId: sent!.id, kind: 'allergies' }, before);
    await updateUnit(db(), clinicId, sentId, { state: 'sent' }, before);
    const claimed = await claimJobs(clinicId, [DELIVER_QUEUE], { now: new Date(), limit: 10, leaseMs: 60_000 });
    await db().job.updateMany({ where: { clinicId, id: { in: claimed.filter((j) => j.key === sentId).map((j) => j.id) } }, data: { state: 'done', lockToken: null } });

    for (let i = 0; i < 3; i++) await outboxRow(a!.id, 'diagnoses');
    await outboxRow(a!.id, 'allergies');
    await outboxRow(b!.id, 'lab_report', 'r1');
    await outboxRow(b!.id, 'lab_report', 'r1');
    await outboxRow(b!.id, 'lab_report', 'r2');
    await outboxRow(sending!.id, 'diagnoses');
    await outboxRow(sent!.id, 'allergies');

    const now = new Date();
    expect(await relayClinicOutbox(clinicId, now)).toEqual({ rows: 9, units: 6 });
    expect(await db().sharingOutbox.count({ where: { clinicId, processedAt: null } })).toBe(0);

    const fresh = [await unitOf(a!.id, 'diagnoses'), await unitOf(a!.id, 'allergies'), await unitOf(b!.id, 'lab_report', 'r1'), await unitOf(b!.id, 'lab_report', 'r2')];
    for (const unit of fresh) {
      expect(unit).toMatchObject({ state: 'pending', changedAt: now, dueBy: nextMorningJst(now) });
      expect(await findJobByKey(clinicId, DELIVER_QUEUE, unit.id)).toMatchObject({ state: 'queued', payload: { unitId: unit.id }, maxAttempts: 30 });
    }
    expect(await findUnit(clinicId, sendingId)).toMatchObject({ state: 'sending', changedAt: now, dueBy: nextMorningJst(before) });
    expect(await findJobByKey(clinicId, DELIVER_QUEUE, sendingId)).toMatchObject({ state: 'running', rerun: true });
    expect(await findUnit(clinicId, sentId)).toMatchObject({ state: 'pending', changedAt: now, dueBy: nextMorningJst(now) });
    expect(await findJobByKey(clinicId, DELIVER_QUEUE, sentId)).toMatchObject({ state: 'queued', attempts: 0 });
  });

  it('markUnitsChanged answers each unit\'s id in the order asked, new or existing', async () => {
    const [p, q] = await Promise.all([createPatient(doctor), createPatient(doctor)]);
    const now = new Date();
    const { unitId: existing } = await markUnitChanged(db(), { clinicId, patientId: q!.id, kind: 'diagnoses' }, now);
    const ids = await markUnitsChanged(db(), clinicId, [
      { patientId: q!.id, kind: 'lab_report', labReportId: 'z' },
      { patientId: q!.id, kind: 'diagnoses' },
      { patientId: p!.id, kind: 'allergies' },
    ], now);
    expect(ids[1]).toEqual({ unitId: existing });
    expect(ids[0]).toEqual({ unitId: (await unitOf(q!.id, 'lab_report', 'z')).id });
    expect(ids[2]).toEqual({ unitId: (await unitOf(p!.id, 'allergies')).id });
    expect(await markUnitsChanged(db(), clinicId, [], now)).toEqual([]);
  });
});
