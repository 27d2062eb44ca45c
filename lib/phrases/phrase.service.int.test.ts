import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/core/app-error';
import { actorFor, auditEventsFor, auditMark, clinicWithStaff, createStaffUser } from '@/tests/helpers/factories';
import { neverLogged } from '@/tests/helpers/never-logged';
import { listPhrases, removePhrase, savePhrase } from './phrase.service';

// a phrase is note text: it must never reach a log line or the audit detail
neverLogged('咽頭発赤なし。扁桃腫大なし。');

type Staff = Awaited<ReturnType<typeof clinicWithStaff>>;
let a: Staff;
let b: Staff;

beforeAll(async () => {
  [a, b] = await Promise.all([clinicWithStaff(), clinicWithStaff()]);
});

const expectCode = async (p: Promise<unknown>, code: string) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
};

describe('定型文', () => {
  it('the clinic admin keeps the clinic-wide phrases, everyone who writes notes their own; audited without the text', async () => {
    const mark = await auditMark(a.clinic.id);
    const shared = await savePhrase({ scope: 'clinic', abbreviation: '.HTN', text: '高血圧症：コントロール良好。' }, a.admin);
    expect(shared).toMatchObject({ abbreviation: 'htn', personal: false, editable: true });
    await expectCode(savePhrase({ scope: 'clinic', abbreviation: 'dm', text: 'x' }, a.doctor), 'FORBIDDEN');
    await expectCode(savePhrase({ scope: 'personal', abbreviation: 'x', text: 'x' }, a.receptionist), 'FORBIDDEN');

    const mine = await savePhrase({ scope: 'personal', abbreviation: 'pha', text: '咽頭発赤なし。扁桃腫大なし。' }, a.doctor);
    const nurses = await savePhrase({ scope: 'personal', abbreviation: 'pha', text: '看護師の定型文' }, a.nurse); // same abbreviation, another owner
    expect(mine).toMatchObject({ personal: true, editable: true });

    const doctorSees = await listPhrases(a.doctor);
    expect(doctorSees.map((p) => [p.abbreviation, p.personal, p.editable])).toEqual(
      expect.arrayContaining([['htn', false, false], ['pha', true, true]]),
    );
    expect(doctorSees.find((p) => p.id === nurses.id)).toBeUndefined(); // another user's own is not shown

    // duplicates, bad abbreviations and another user's phrase
    await expectCode(savePhrase({ scope: 'personal', abbreviation: 'PHA', text: 'y' }, a.doctor), 'INVALID_INPUT');
    await expectCode(savePhrase({ scope: 'personal', abbreviation: 'こんにちは', text: 'y' }, a.doctor), 'INVALID_INPUT');
    await expectCode(savePhrase({ id: nurses.id, scope: 'personal', abbreviation: 'pha', text: '横取り' }, a.doctor), 'NOT_FOUND');
    await expectCode(removePhrase({ id: nurses.id }, a.doctor), 'NOT_FOUND');
    await expectCode(removePhrase({ id: shared.id }, a.doctor), 'FORBIDDEN');

    const changed = await savePhrase({ id: mine.id, scope: 'personal', abbreviation: 'ph', text: '咽頭発赤なし。扁桃腫大なし。' }, a.doctor);
    expect(changed).toMatchObject({ id: mine.id, abbreviation: 'ph' });
    await removePhrase({ id: mine.id }, a.doctor);
    expect((await listPhrases(a.doctor)).map((p) => p.id)).not.toContain(mine.id);

    const events = await auditEventsFor(a.clinic.id, { action: 'settings_changed', resourceType: 'note_phrase' }, mark);
    expect(events).toHaveLength(5);
    expect(events.map((e) => e.detail)).toEqual([
      expect.objectContaining({ scope: 'clinic', abbreviation: 'htn', created: true }),
      expect.objectContaining({ scope: 'personal', abbreviation: 'pha', created: true }),
      expect.objectContaining({ scope: 'personal', abbreviation: 'pha', created: true }),
      expect.objectContaining({ abbreviation: 'ph', before: { abbreviation: 'pha', textLength: 14 } }),
      expect.objectContaining({ abbreviation: 'ph', removed: true }),
    ]);
    expect(JSON.stringify(events.map((e) => e.detail))).not.toContain('咽頭');
  });

  it("another clinic neither sees nor touches a clinic's phrases", async () => {
    const shared = await savePhrase({ scope: 'clinic', abbreviation: 'cc', text: 'A院の定型文' }, a.admin);
    const own = await savePhrase({ scope: 'personal', abbreviation: 'cc', text: 'A院の医師の定型文' }, a.doctor);
    expect((await listPhrases(b.doctor)).map((p) => p.id)).not.toEqual(expect.arrayContaining([shared.id]));
    expect((await listPhrases(b.doctor)).map((p) => p.id)).not.toContain(own.id);
    await expectCode(savePhrase({ id: shared.id, scope: 'clinic', abbreviation: 'cc', text: 'B' }, b.admin), 'NOT_FOUND');
    await expectCode(removePhrase({ id: own.id }, b.doctor), 'NOT_FOUND');
    // B may use the same abbreviation for its own
    await expect(savePhrase({ scope: 'clinic', abbreviation: 'cc', text: 'B院' }, b.admin)).resolves.toMatchObject({ abbreviation: 'cc' });
    // a new staff member of A sees the clinic's phrase but not a colleague's own
    const newDoctor = actorFor(await createStaffUser(a.clinic.id, 'doctor'));
    const seen = (await listPhrases(newDoctor)).map((p) => p.id);
    expect(seen).toContain(shared.id);
    expect(seen).not.toContain(own.id);
  });
});
