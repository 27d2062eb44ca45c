import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { db } from '@/lib/core/db';
import { recordAuditEventNow, verifyAuditChain } from './audit';

const ctx = { ip: '10.0.0.1', requestId: 'req-1' };

async function chainOf(n: number) {
  const clinicId = `audit-test-${randomUUID()}`;
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      recordAuditEventNow({ clinicId, actor: { userId: 'u1', role: 'doctor', loginId: 'd@x' }, action: 'read', resourceType: 'patient', resourceId: `p${i}`, patientId: `p${i}`, ctx }),
    ),
  );
  return clinicId;
}

async function superuser<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe('audit trail', () => {
  it('keeps a contiguous chain under concurrent writers, and verifies it', async () => {
    const clinicId = await chainOf(30);
    const rows = await db().auditEvent.findMany({ where: { clinicId }, orderBy: { seq: 'asc' } });
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(await verifyAuditChain({ clinicId })).toEqual({ checked: 30, breaks: [] });
  });

  it('rejects UPDATE, DELETE and TRUNCATE at the database level', async () => {
    const clinicId = await chainOf(2);
    await expect(db().auditEvent.updateMany({ where: { clinicId }, data: { action: 'x' } })).rejects.toThrow(/append-only/);
    await expect(db().auditEvent.deleteMany({ where: { clinicId } })).rejects.toThrow(/append-only/);
    await expect(db().$executeRaw`TRUNCATE "AuditEvent"`).rejects.toThrow(/append-only/);
    expect(await db().auditEvent.count({ where: { clinicId } })).toBe(2);
  });

  it('reports the exact row when someone with superuser rights edits, deletes or forges a row', async () => {
    const edited = await chainOf(5);
    const deleted = await chainOf(5);
    const forged = await chainOf(3);
    await superuser(async (c) => {
      await c.query('ALTER TABLE "AuditEvent" DISABLE TRIGGER audit_event_no_update_delete');
      try {
        await c.query(`UPDATE "AuditEvent" SET "patientId" = 'someone-else' WHERE "clinicId" = $1 AND seq = 3`, [edited]);
        await c.query(`DELETE FROM "AuditEvent" WHERE "clinicId" = $1 AND seq = 2`, [deleted]);
        await c.query(
          `INSERT INTO "AuditEvent" ("clinicId", seq, action, "resourceType", outcome, "prevHash", "rowHash")
           SELECT $1, 4, 'read', 'patient', 'success', "rowHash", repeat('a', 64) FROM "AuditEvent" WHERE "clinicId" = $1 AND seq = 3`,
          [forged],
        );
      } finally {
        await c.query('ALTER TABLE "AuditEvent" ENABLE TRIGGER audit_event_no_update_delete');
      }
    });
    expect((await verifyAuditChain({ clinicId: edited })).breaks).toEqual([{ clinicId: edited, seq: '3', kind: 'row_hash_mismatch' }]);
    expect((await verifyAuditChain({ clinicId: deleted })).breaks).toEqual([{ clinicId: deleted, seq: '2', kind: 'gap' }]);
    expect((await verifyAuditChain({ clinicId: forged })).breaks).toEqual([{ clinicId: forged, seq: '4', kind: 'row_hash_mismatch' }]);
    // a chain recomputed with another key does not verify
    expect((await verifyAuditChain({ clinicId: await chainOf(1), key: 'another-key-0123456789' })).breaks[0]?.kind).toBe('row_hash_mismatch');
  });
});
