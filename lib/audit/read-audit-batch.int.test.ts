/**
 * Group commit of the vendor API's read audit rows (docs/decisions/0090): concurrent reads share statements, each
 * read's promise settles only after its row is committed, each row is checked against its own app and token, rows
 * of two clinics land in their own clinic, and a row PostgreSQL refuses fails only its own read.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { batchPool, db } from '@/lib/core/db';
import { isEmbeddedDb } from '@/lib/core/env';
import { auditEventsFor, auditMark, clinicWithStaff } from '@/tests/helpers/factories';
import { register } from '@/tests/helpers/vendor-app';
import { revokeApiClient } from '@/lib/vendor-api/api-client.service';
import type { AuditInput } from './audit';
import { appendReadAudit, readAuditBatchStats } from './read-audit-batch';

let a: Awaited<ReturnType<typeof clinicWithStaff>>;
let b: Awaited<ReturnType<typeof clinicWithStaff>>;

beforeAll(async () => {
  [a, b] = [await clinicWithStaff(), await clinicWithStaff()];
}, 300_000);

const read = (clinicId: string, clientId: string, patientId: string, detail: Record<string, unknown> = { via: 'fhir_api' }): AuditInput => ({
  clinicId,
  actor: { userId: clientId, role: 'api_client', loginId: `app:${clientId}` },
  action: 'read',
  resourceType: 'patient',
  resourceId: patientId,
  patientId,
  detail,
  ctx: { ip: '127.0.0.1', requestId: `req-${patientId}` },
});

describe('read audit rows by group commit', () => {
  it('writes every row of concurrent reads, committed when each promise settles, in fewer statements than rows', async () => {
    const app = await register(a, ['system/Patient.rs']);
    const mark = await auditMark(a.clinic.id);
    const before = readAuditBatchStats();
    const ids = Array.from({ length: 40 }, (_, i) => `p-${i}`);
    const answers = await Promise.all(
      ids.map(async (id) => {
        const access = await appendReadAudit(read(a.clinic.id, app.clientId, id), { clinicId: a.clinic.id, clientId: app.clientId, jti: `jti-${id}` });
        // committed already: another connection sees it
        const seen = await db().auditEvent.count({ where: { clinicId: a.clinic.id, patientId: id, id: { gt: mark } } });
        return { access, seen };
      }),
    );
    expect(answers.every((x) => x.access === 'ok' && x.seen === 1)).toBe(true);
    const after = readAuditBatchStats();
    expect(after.rows - before.rows).toBe(40);
    expect(after.statements - before.statements).toBeLessThan(40);
    const rows = await auditEventsFor(a.clinic.id, { action: 'read' }, mark);
    expect(rows.map((r) => r.patientId).sort()).toEqual([...ids].sort());
    expect(rows[0]).toMatchObject({ userId: app.clientId, userRole: 'api_client', resourceType: 'patient', outcome: 'success', ip: '127.0.0.1', detail: { via: 'fhir_api' } });
  });

  it('checks each row against its own app and token: a revoked app or token gets its refusal and no row', async () => {
    const live = await register(a, ['system/Patient.rs']);
    const gone = await register(a, ['system/Patient.rs']);
    await revokeApiClient({ clientId: gone.clientId }, a.admin);
    await db().apiRevokedToken.create({ data: { clinicId: a.clinic.id, jti: 'revoked-jti', clientId: live.clientId, expiresAt: new Date(Date.now() + 60_000), revokedAt: new Date() } });
    const mark = await auditMark(a.clinic.id);
    const [ok, appRevoked, tokenRevoked, unchecked, otherClinicsApp] = await Promise.all([
      appendReadAudit(read(a.clinic.id, live.clientId, 'ok'), { clinicId: a.clinic.id, clientId: live.clientId, jti: 'fine-jti' }),
      appendReadAudit(read(a.clinic.id, gone.clientId, 'app-revoked'), { clinicId: a.clinic.id, clientId: gone.clientId, jti: null }),
      appendReadAudit(read(a.clinic.id, live.clientId, 'token-revoked'), { clinicId: a.clinic.id, clientId: live.clientId, jti: 'revoked-jti' }),
      appendReadAudit(read(a.clinic.id, live.clientId, 'unchecked'), null),
      // an app id of clinic A presented with clinic B: unknown there
      appendReadAudit(read(b.clinic.id, live.clientId, 'wrong-clinic'), { clinicId: b.clinic.id, clientId: live.clientId, jti: null }),
    ]);
    expect([ok, appRevoked, tokenRevoked, unchecked, otherClinicsApp]).toEqual(['ok', 'client_revoked', 'token_revoked', 'ok', 'client_revoked']);
    const rows = await auditEventsFor(a.clinic.id, { action: 'read' }, mark);
    expect(rows.map((r) => r.patientId).sort()).toEqual(['ok', 'unchecked']);
    expect(await db().auditEvent.count({ where: { clinicId: b.clinic.id, patientId: 'wrong-clinic' } })).toBe(0);
  });

  it('puts the rows of two clinics read in the same moment each in its own clinic', async () => {
    const [appA, appB] = [await register(a, ['system/Patient.rs']), await register(b, ['system/Patient.rs'])];
    const [markA, markB] = [await auditMark(a.clinic.id), await auditMark(b.clinic.id)];
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2
          ? appendReadAudit(read(a.clinic.id, appA.clientId, `a-${i}`), { clinicId: a.clinic.id, clientId: appA.clientId, jti: null })
          : appendReadAudit(read(b.clinic.id, appB.clientId, `b-${i}`), { clinicId: b.clinic.id, clientId: appB.clientId, jti: null }),
      ),
    );
    expect(answers.every((x) => x === 'ok')).toBe(true);
    expect((await auditEventsFor(a.clinic.id, { action: 'read' }, markA)).map((r) => r.patientId).sort()).toEqual(['a-1', 'a-3', 'a-5', 'a-7', 'a-9']);
    expect((await auditEventsFor(b.clinic.id, { action: 'read' }, markB)).map((r) => r.patientId).sort()).toEqual(['b-0', 'b-2', 'b-4', 'b-6', 'b-8']);
  });

  it('fails only the read whose row PostgreSQL refuses; the others in its batch are written', async () => {
    const app = await register(a, ['system/Patient.rs']);
    const mark = await auditMark(a.clinic.id);
    const caller = { clinicId: a.clinic.id, clientId: app.clientId, jti: null };
    const results = await Promise.allSettled([
      appendReadAudit(read(a.clinic.id, app.clientId, 'fine-1'), caller),
      // jsonb cannot hold U+0000: this row's insert fails
      appendReadAudit(read(a.clinic.id, app.clientId, 'bad', { query: 'name=\u0000' }), caller),
      appendReadAudit(read(a.clinic.id, app.clientId, 'fine-2'), caller),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await auditEventsFor(a.clinic.id, { action: 'read' }, mark)).map((r) => r.patientId).sort()).toEqual(['fine-1', 'fine-2']);
  });

  it('runs the shared statements with generic plans on PostgreSQL (not on Citus, whose coordinator cannot)', async () => {
    const citus = (await db().$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'citus'`)[0]!.n > 0;
    const { rows } = await (await batchPool()).query<{ plan_cache_mode: string }>('SHOW plan_cache_mode');
    expect(rows[0]!.plan_cache_mode).toBe(citus || isEmbeddedDb() ? 'auto' : 'force_generic_plan');
  });
});
