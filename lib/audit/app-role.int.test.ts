/** SECURITY.md C3: the application role may only add and read audit rows; the trigger stops even the owner. */
import { beforeAll, describe, expect, it } from 'vitest';
import { runInTransaction, db } from '@/lib/core/db';
import { clinicWithStaff, createPatient } from '@/tests/helpers/factories';
import { APP_ROLE, ensureAppRole, sqlAs, withAppClientAs } from '@/tests/helpers/db-role';
import { recordAuditEvent, verifyAuditChain } from './audit';
import { sealAuditEvents } from './audit-sealer';

const APP = APP_ROLE;
const PERMISSION_DENIED = '42501';

let clinicId: string;
let patientId: string;

beforeAll(async () => {
  await ensureAppRole();
  const staff = await clinicWithStaff();
  clinicId = staff.clinic.id;
  patientId = (await createPatient(staff.doctor)).id;
  // one audit row to try to change (registerPatient wrote some already)
  expect(await db().auditEvent.count({ where: { clinicId } })).toBeGreaterThan(0);
});

describe('karte_app privileges (C3)', () => {
  it('appends audit events through the app code path and seals them as karte_app, chain intact', async () => {
    const before = await db().auditEvent.count({ where: { clinicId } });
    const who = await runInTransaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL ROLE karte_test_app`;
      await recordAuditEvent(tx, {
        clinicId,
        actor: { userId: 'u-app-role', role: 'doctor', loginId: 'app-role@test' },
        action: 'read',
        resourceType: 'patient',
        resourceId: patientId,
        patientId,
        ctx: { ip: '127.0.0.1', requestId: 'app-role-test' },
      });
      return (await tx.$queryRaw<{ u: string }[]>`SELECT current_user AS u`)[0]?.u;
    });
    expect(who).toBe(APP);
    expect(await db().auditEvent.count({ where: { clinicId } })).toBe(before + 1);
    // the sealer (a worker or the app process) runs as the app role too
    const pass = await withAppClientAs(APP, () => sealAuditEvents({ clinicId }));
    expect(pass.sealed).toBe(before + 1);
    expect(await verifyAuditChain({ clinicId })).toMatchObject({ checked: before + 1, unsealed: 0, breaks: [] });
  });

  it('cannot UPDATE, DELETE or TRUNCATE AuditEvent: permission denied before any trigger runs', async () => {
    const update = await sqlAs(APP, `UPDATE "AuditEvent" SET action = 'x' WHERE "clinicId" = $1`, [clinicId]);
    const del = await sqlAs(APP, `DELETE FROM "AuditEvent" WHERE "clinicId" = $1`, [clinicId]);
    const truncate = await sqlAs(APP, 'TRUNCATE "AuditEvent"');
    for (const outcome of [update, del, truncate]) {
      expect(outcome).toMatchObject({ ok: false, code: PERMISSION_DENIED });
      expect(outcome.ok === false && outcome.message).toMatch(/permission denied for table AuditEvent/);
    }
  });

  it('as the owner, the trigger still rejects UPDATE, DELETE and TRUNCATE', async () => {
    for (const sql of [`UPDATE "AuditEvent" SET action = 'x' WHERE "clinicId" = $1`, `DELETE FROM "AuditEvent" WHERE "clinicId" = $1`]) {
      const outcome = await sqlAs(null, sql, [clinicId]);
      expect(outcome).toMatchObject({ ok: false, code: 'P0001' });
      expect(outcome.ok === false && outcome.message).toMatch(/append-only/);
    }
    expect(await sqlAs(null, 'TRUNCATE "AuditEvent"')).toMatchObject({ ok: false, code: 'P0001' });
  });

  it('other history tables are append-only for the app too', async () => {
    for (const table of ['PatientRevision', 'VisitStatusChange']) {
      expect(await sqlAs(APP, `SELECT count(*) FROM "${table}"`)).toMatchObject({ ok: true });
      expect(await sqlAs(APP, `UPDATE "${table}" SET "clinicId" = "clinicId" WHERE "clinicId" = $1`, [clinicId])).toMatchObject({ ok: false, code: PERMISSION_DENIED });
      expect(await sqlAs(APP, `DELETE FROM "${table}" WHERE "clinicId" = $1`, [clinicId])).toMatchObject({ ok: false, code: PERMISSION_DENIED });
    }
  });

  it('can change ordinary tables, but not the schema, TRUNCATE or the migration history', async () => {
    // the same kind of statement that is denied on AuditEvent succeeds on Patient: the grants exist, they are selective
    const updated = await runInTransaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL ROLE karte_test_app`;
      return tx.patient.update({ where: { clinicId_id: { clinicId, id: patientId } }, data: { address: '東京都千代田区1-1' } });
    });
    expect(updated.address).toBe('東京都千代田区1-1');
    expect(await sqlAs(APP, `DELETE FROM "AuthFailure" WHERE key = $1`, ['no-such-key'])).toMatchObject({ ok: true });
    expect(await sqlAs(APP, `INSERT INTO "AuthFailure" (key) VALUES ($1)`, ['app-role-test'])).toMatchObject({ ok: true });

    expect(await sqlAs(APP, 'TRUNCATE "Patient" CASCADE')).toMatchObject({ ok: false, code: PERMISSION_DENIED });
    expect(await sqlAs(APP, 'CREATE TABLE karte_app_was_here (id int)')).toMatchObject({ ok: false, code: PERMISSION_DENIED });
    expect(await sqlAs(APP, 'SELECT count(*) FROM "_prisma_migrations"')).toMatchObject({ ok: false, code: PERMISSION_DENIED });
  });
});
