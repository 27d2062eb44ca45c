import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { db } from '@/lib/core/db';
import { env } from '@/lib/core/env';
import { recordAuditEventNow, verifyAuditChain } from './audit';
import { readLatestAnchors } from './audit-anchor';
import { sealAuditEvents, startAuditSealer } from './audit-sealer';
import { APP_ROLE, ensureAppRole, sqlAs, withTriggersOff } from '@/tests/helpers/db-role';

const ctx = { ip: '10.0.0.1', requestId: 'req-1' };

const write = (clinicId: string, i: number) =>
  recordAuditEventNow({ clinicId, actor: { userId: 'u1', role: 'doctor', loginId: 'd@x' }, action: 'read', resourceType: 'patient', resourceId: `p${i}`, patientId: `p${i}`, ctx });

/** n rows written concurrently, then sealed (unless seal: false). */
async function chainOf(n: number, options: { seal?: boolean } = {}) {
  const clinicId = `audit-test-${randomUUID()}`;
  await Promise.all(Array.from({ length: n }, (_, i) => write(clinicId, i)));
  if (options.seal !== false) await sealAuditEvents({ clinicId });
  return clinicId;
}


const verify = (clinicId: string, anchorFile?: string) => verifyAuditChain({ clinicId, anchorFile });

describe('appending without a lock, sealing afterwards', () => {
  it('appends concurrent rows unsealed, then seals them into one contiguous chain that verifies', async () => {
    const clinicId = await chainOf(30, { seal: false });
    const unsealed = await db().auditEvent.findMany({ where: { clinicId } });
    expect(unsealed).toHaveLength(30);
    expect(unsealed.every((r) => r.seq === null && r.rowHash === null)).toBe(true);
    expect(await verify(clinicId)).toMatchObject({ checked: 0, unsealed: 30, breaks: [] });

    const pass = await sealAuditEvents({ clinicId });
    expect(pass.sealed).toBe(30);
    const rows = await db().auditEvent.findMany({ where: { clinicId }, orderBy: { seq: 'asc' } });
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    // chain order = append order (id) for rows that were all committed before the pass
    expect(rows.map((r) => r.id)).toEqual([...rows.map((r) => r.id)].sort((a, b) => (a < b ? -1 : 1)));
    expect(await verify(clinicId)).toEqual({ checked: 30, unsealed: 0, oldestUnsealedAt: null, breaks: [] });
    const seals = await db().auditSeal.findMany({ where: { clinicId } });
    expect(seals).toMatchObject([{ sealSeq: 1n, fromSeq: 1n, toSeq: 30n, headHash: rows[29]!.rowHash }]);
    // the head is anchored outside the database
    expect(readLatestAnchors().anchors.get(clinicId)).toMatchObject({ sealSeq: '1', toSeq: '30', headHash: rows[29]!.rowHash, sealHash: seals[0]!.sealHash });

    // a pass with nothing new writes nothing
    expect(await sealAuditEvents({ clinicId })).toMatchObject({ sealed: 0, seals: [] });
  });

  it('never forks a chain when sealers run concurrently with writers', async () => {
    const clinicId = `audit-test-${randomUUID()}`;
    const writers = Promise.all(Array.from({ length: 120 }, (_, i) => write(clinicId, i)));
    const sealers = Promise.all(Array.from({ length: 6 }, () => sealAuditEvents({ clinicId, batchSize: 15 })));
    await Promise.all([writers, sealers]);
    while ((await sealAuditEvents({ clinicId })).sealed > 0);
    const result = await verify(clinicId);
    expect(result).toMatchObject({ checked: 120, unsealed: 0, breaks: [] });
    const seals = await db().auditSeal.findMany({ where: { clinicId }, orderBy: { sealSeq: 'asc' } });
    expect(seals.at(-1)?.toSeq).toBe(120n);
  });

  it('seals every clinic with new rows in one pass, and the runner keeps sealing until stopped', async () => {
    const a = await chainOf(3, { seal: false });
    const b = await chainOf(4, { seal: false });
    const pass = await sealAuditEvents();
    expect(pass.seals.map((s) => s.clinicId)).toEqual(expect.arrayContaining([a, b]));
    expect(await db().auditEvent.count({ where: { clinicId: { in: [a, b] }, seq: null } })).toBe(0);

    const sealer = startAuditSealer({ intervalMs: 100 });
    try {
      await write(a, 99);
      await expect.poll(async () => db().auditEvent.count({ where: { clinicId: a, seq: null } }), { timeout: 10_000 }).toBe(0);
    } finally {
      await sealer.stop();
    }
    expect(sealer.passes()).toBeGreaterThan(0);
    expect(await verify(a)).toMatchObject({ checked: 4, breaks: [] });
  });
});

describe('protection of rows and seals', () => {
  it('rejects UPDATE, DELETE and TRUNCATE of sealed and unsealed rows, and a row inserted with a chain position', async () => {
    const sealed = await chainOf(2);
    const unsealed = await chainOf(2, { seal: false });
    for (const clinicId of [sealed, unsealed]) {
      await expect(db().auditEvent.updateMany({ where: { clinicId }, data: { action: 'x' } })).rejects.toThrow(/append-only \(UPDATE rejected\)/);
      await expect(db().auditEvent.deleteMany({ where: { clinicId } })).rejects.toThrow(/append-only \(DELETE rejected\)/);
    }
    await expect(db().$executeRaw`TRUNCATE "AuditEvent"`).rejects.toThrow(/append-only \(TRUNCATE rejected\)/);
    // a sealed row cannot be sealed again (moved in the chain)
    await expect(db().auditEvent.updateMany({ where: { clinicId: sealed, seq: 1n }, data: { seq: 7n } })).rejects.toThrow(/append-only \(UPDATE rejected\)/);
    // sealing may not change the content
    const [row] = await db().auditEvent.findMany({ where: { clinicId: unsealed }, take: 1 });
    await expect(
      db().auditEvent.updateMany({ where: { clinicId: unsealed, id: row!.id }, data: { seq: 1n, prevHash: 'a', rowHash: 'b', patientId: 'someone-else' } }),
    ).rejects.toThrow(/append-only \(UPDATE rejected\)/);
    await expect(
      db().$executeRaw`INSERT INTO "AuditEvent" ("clinicId", seq, action, "resourceType", outcome, "prevHash", "rowHash") VALUES (${unsealed}, 3, 'read', 'patient', 'success', 'x', 'y')`,
    ).rejects.toThrow(/inserted unsealed/);
    expect(await db().auditEvent.count({ where: { clinicId: { in: [sealed, unsealed] } } })).toBe(4);
  });

  it('lets karte_app seal rows but not change their content, nor change or delete seals', async () => {
    await ensureAppRole();
    const clinicId = await chainOf(1);
    const [row] = await db().auditEvent.findMany({ where: { clinicId } });
    expect(await sqlAs(APP_ROLE, `UPDATE "AuditEvent" SET "patientId" = 'x' WHERE "clinicId" = $1`, [clinicId])).toMatchObject({ ok: false, code: '42501' });
    // the chain columns are granted, and the trigger still refuses to re-seal a sealed row
    expect(await sqlAs(APP_ROLE, `UPDATE "AuditEvent" SET seq = 5 WHERE "clinicId" = $1 AND id = $2`, [clinicId, row!.id])).toMatchObject({ ok: false, code: 'P0001' });
    expect(await sqlAs(APP_ROLE, `UPDATE "AuditSeal" SET "toSeq" = 0 WHERE "clinicId" = $1`, [clinicId])).toMatchObject({ ok: false, code: '42501' });
    expect(await sqlAs(APP_ROLE, `DELETE FROM "AuditSeal" WHERE "clinicId" = $1`, [clinicId])).toMatchObject({ ok: false, code: '42501' });
    expect(await sqlAs(null, `DELETE FROM "AuditSeal" WHERE "clinicId" = $1`, [clinicId])).toMatchObject({ ok: false, code: 'P0001' });
    expect(await sqlAs(APP_ROLE, 'TRUNCATE "AuditSeal"')).toMatchObject({ ok: false, code: '42501' });
  });
});

describe('tamper detection (audit:verify)', () => {
  it('reports the exact row when a superuser edits, deletes or forges a row in the middle', async () => {
    const edited = await chainOf(5);
    const deleted = await chainOf(5);
    const forged = await chainOf(3);
    await withTriggersOff(async (c) => {
      await c.query(`UPDATE "AuditEvent" SET "patientId" = 'someone-else' WHERE "clinicId" = $1 AND seq = 3`, [edited]);
      await c.query(`DELETE FROM "AuditEvent" WHERE "clinicId" = $1 AND seq = 2`, [deleted]);
      await c.query(
        `INSERT INTO "AuditEvent" ("clinicId", seq, action, "resourceType", outcome, "prevHash", "rowHash")
         SELECT $1, 4, 'read', 'patient', 'success', "rowHash", repeat('a', 64) FROM "AuditEvent" WHERE "clinicId" = $1 AND seq = 3`,
        [forged],
      );
    });
    expect((await verify(edited)).breaks).toEqual([{ clinicId: edited, seq: '3', kind: 'row_hash_mismatch' }]);
    expect((await verify(deleted)).breaks).toEqual([{ clinicId: deleted, seq: '2', kind: 'gap' }]);
    expect((await verify(forged)).breaks).toEqual([{ clinicId: forged, seq: '4', kind: 'row_hash_mismatch' }]);
    // a chain recomputed with another key does not verify
    expect((await verifyAuditChain({ clinicId: await chainOf(1), key: 'another-key-0123456789' })).breaks[0]?.kind).toBe('row_hash_mismatch');
  });

  it('detects the newest rows deleted from the end of the chain (the seal names a head that is gone)', async () => {
    const clinicId = await chainOf(8);
    await withTriggersOff(async (c) => {
      await c.query(`DELETE FROM "AuditEvent" WHERE "clinicId" = $1 AND seq > 5`, [clinicId]);
    });
    expect((await verify(clinicId)).breaks).toEqual([{ clinicId, seq: '6', kind: 'tail_missing' }]);
  });

  it('detects the newest rows deleted together with their seals through the anchor outside the database', async () => {
    const clinicId = await chainOf(4);
    await Promise.all([write(clinicId, 10), write(clinicId, 11), write(clinicId, 12)]);
    await sealAuditEvents({ clinicId });
    expect(await db().auditSeal.count({ where: { clinicId } })).toBe(2);
    await withTriggersOff(async (c) => {
      await c.query(`DELETE FROM "AuditEvent" WHERE "clinicId" = $1 AND seq > 4`, [clinicId]);
      await c.query(`DELETE FROM "AuditSeal" WHERE "clinicId" = $1 AND "sealSeq" = 2`, [clinicId]);
    });
    // what is left in the database is consistent by itself: only the anchor shows what is missing
    const noAnchors = path.join(tmpdir(), `no-anchors-${randomUUID()}.jsonl`);
    expect((await verify(clinicId, noAnchors)).breaks).toEqual([]);
    expect((await verify(clinicId)).breaks).toEqual([{ clinicId, seq: '5', kind: 'tail_missing' }]);

    // a clinic whose every row and seal was deleted is still found through its anchor
    const wiped = await chainOf(2);
    await withTriggersOff(async (c) => {
      await c.query(`DELETE FROM "AuditEvent" WHERE "clinicId" = $1`, [wiped]);
      await c.query(`DELETE FROM "AuditSeal" WHERE "clinicId" = $1`, [wiped]);
    });
    expect((await verifyAuditChain()).breaks).toContainEqual({ clinicId: wiped, seq: '1', kind: 'tail_missing' });
  });

  it('detects a changed or forged seal', async () => {
    const changed = await chainOf(3);
    await withTriggersOff(async (c) => {
      await c.query(`UPDATE "AuditSeal" SET "toSeq" = 2, "headHash" = (SELECT "rowHash" FROM "AuditEvent" WHERE "clinicId" = $1 AND seq = 2) WHERE "clinicId" = $1`, [changed]);
    });
    expect((await verify(changed)).breaks).toEqual([{ clinicId: changed, seq: '2', kind: 'seal_mismatch' }]);
  });
});

describe('anchor file', () => {
  it('is written where AUDIT_ANCHOR_FILE says, one JSON line per sealed clinic', async () => {
    const clinicId = await chainOf(2);
    const file = env().AUDIT_ANCHOR_FILE;
    expect(existsSync(file)).toBe(true);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { clinicId: string });
    expect(lines.filter((l) => l.clinicId === clinicId)).toHaveLength(1);
  });
});
