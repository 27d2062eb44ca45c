/** Issue 9 item 22: what every server action does on bad input and on an unexpected error, against the real database. */
import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/core/app-error';
import { onLogLine } from '@/lib/core/logger';
import { CONTROL_CHARACTER_MESSAGE, z } from '@/lib/core/zod';
import { auditEventsFor, auditMark, clinicWithStaff } from '@/tests/helpers/factories';
import { neverLogged } from '@/tests/helpers/never-logged';
import { INVALID_INPUT_MESSAGE, runAction } from './define-action';

const schema = z.object({ patientId: z.string().uuid(), memo: z.string().max(20) }).strict();
const SECRET_DETAIL = 'ZZ-INTERNAL-DETAIL-患者名';
neverLogged('ZZ-NOT-LOGGED-MEMO');

describe('runAction (defineAction)', () => {
  it('audits invalid input as validation_failed with the field names only, and returns Japanese field errors', async () => {
    const { clinic, nurse } = await clinicWithStaff();
    const since = await auditMark(clinic.id);
    let called = false;
    const result = await runAction(schema, async () => (called = true), { patientId: 'not-a-uuid', memo: 'ZZ-NOT-LOGGED-MEMO\u0000', extra: 1 }, async () => nurse);
    expect(called).toBe(false);
    expect(result).toMatchObject({ ok: false, code: 'INVALID_INPUT', error: INVALID_INPUT_MESSAGE });
    expect(result.ok === false && result.fieldErrors?.memo).toBe(CONTROL_CHARACTER_MESSAGE);
    const audited = await auditEventsFor(clinic.id, { action: 'validation_failed' }, since);
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ userId: nurse.userId, outcome: 'failure', resourceType: 'input', requestId: nurse.ctx.requestId });
    expect((audited[0]!.detail as { fields: string[] }).fields.sort()).toEqual(['', 'memo', 'patientId'].sort());
    expect(JSON.stringify(audited[0]!.detail)).not.toContain('ZZ-NOT-LOGGED-MEMO');
  });

  it('hides an unexpected error behind a calm message with an inquiry number, and logs it with the request id', async () => {
    const { doctor } = await clinicWithStaff();
    const lines: string[] = [];
    const stop = onLogLine((l) => lines.push(l));
    const result = await runAction(schema, async () => {
      throw new TypeError(SECRET_DETAIL);
    }, { patientId: '0b7c2f8e-6d1a-4f0e-9a55-3c1b2d4e5f60', memo: 'ok' }, async () => doctor);
    stop();
    expect(result).toMatchObject({ ok: false, code: 'INTERNAL' });
    const message = result.ok === false ? result.error : '';
    expect(message).toContain(`問い合わせ番号: ${doctor.ctx.requestId.slice(0, 8)}`);
    expect(message).not.toContain(SECRET_DETAIL);
    expect(JSON.stringify(result)).not.toContain('TypeError');
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; requestId?: string }).filter((l) => l.msg === 'unexpected error in action');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.requestId).toBe(doctor.ctx.requestId);
  });

  it('returns an AppError as it is, and the handler result on success', async () => {
    const { doctor } = await clinicWithStaff();
    const input = { patientId: '0b7c2f8e-6d1a-4f0e-9a55-3c1b2d4e5f60', memo: 'ok' };
    expect(await runAction(schema, async () => { throw new AppError('CONFLICT', '他の職員が先に更新しました。'); }, input, async () => doctor)).toEqual({
      ok: false,
      code: 'CONFLICT',
      error: '他の職員が先に更新しました。',
    });
    expect(await runAction(schema, async (i, actor) => `${i.memo}:${actor.role}`, input, async () => doctor)).toEqual({ ok: true, data: 'ok:doctor' });
  });

  it('never runs the handler without an actor', async () => {
    let called = false;
    const result = await runAction(schema, async () => (called = true), {}, async () => {
      throw new AppError('UNAUTHENTICATED', 'ログインが必要です。もう一度ログインしてください。');
    });
    expect(called).toBe(false);
    expect(result).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
  });
});
