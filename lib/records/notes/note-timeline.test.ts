import { describe, expect, it } from 'vitest';
import type { NoteDto, NoteWithHistoryDto } from './note.dto';
import { appendNoteSections, applyNoteDo, intakeOfDay, lineageEntry, mergeTimeline, previousNoteForDo, withSavedNote } from './note-timeline';

const staff = { id: 'd1', name: '医師' };
function note(over: Partial<NoteDto> = {}): NoteDto {
  return {
    id: 'n1', lineageId: 'L1', version: 1, isLatest: true, patientId: 'p', visitId: null, encounterDate: '2026-11-20',
    status: 'draft', statusLabel: '下書き', kind: 'soap', subjective: 'S', objective: '', assessment: '', plan: '',
    vitals: { heightCm: null, weightKg: null, systolicBp: null, diastolicBp: null, pulse: null, bodyTempC: null, spo2: null },
    bmi: null, author: staff, enterer: staff, isProxyEntry: false, approvedBy: null, approvedAt: null, confirmedBy: null, confirmedAt: null,
    contentHash: null, hashVerified: null, changeReason: null, supersedesId: null, createdAt: '2026-11-20T01:00:00.000Z', supersededAt: null,
    ...over,
  };
}
const entry = (over: Partial<NoteDto> = {}): NoteWithHistoryDto => {
  const n = note(over);
  return { ...n, firstCreatedAt: n.createdAt, earlierVersions: [], pendingRevision: null };
};

describe('chart timeline merge', () => {
  it('adds a new note at the top and sorts by encounter day, then first written', () => {
    const old = entry({ id: 'a', lineageId: 'A', encounterDate: '2026-10-01', createdAt: '2026-10-01T01:00:00.000Z' });
    const t = withSavedNote([old], note({ id: 'b', lineageId: 'B', encounterDate: '2026-11-27', createdAt: '2026-11-27T01:00:00.000Z' }));
    expect(t.map((n) => n.lineageId)).toEqual(['B', 'A']);
  });

  it('a new version keeps the encounter day and moves the shown version into the earlier versions', () => {
    const v1 = entry({ id: 'v1', status: 'final', encounterDate: '2026-10-01', createdAt: '2026-10-01T01:00:00.000Z' });
    const [e] = withSavedNote([v1], note({ id: 'v2', version: 2, status: 'draft', encounterDate: '2026-11-27', createdAt: '2026-11-27T01:00:00.000Z', changeReason: '追記' }));
    expect(e).toMatchObject({ id: 'v2', version: 2, encounterDate: '2026-10-01', firstCreatedAt: '2026-10-01T01:00:00.000Z' });
    expect(e!.earlierVersions.map((v) => [v.id, v.isLatest, v.supersededAt])).toEqual([['v1', false, '2026-11-27T01:00:00.000Z']]);
  });

  it('確定 of the same version replaces it; an older copy (stale page) never wins', () => {
    const draft = entry({ id: 'v1' });
    const confirmed = withSavedNote([draft], note({ id: 'v1', status: 'final' }));
    expect(confirmed[0]!.status).toBe('final');
    expect(mergeTimeline(confirmed, [draft])[0]!.status).toBe('final');
    expect(mergeTimeline([entry({ id: 'v2', version: 2 })], [draft])[0]!.id).toBe('v2');
  });

  it('appending an older page keeps one entry per lineage', () => {
    const page1 = [entry({ id: 'b', lineageId: 'B', encounterDate: '2026-11-27' })];
    const page2 = [entry({ id: 'b', lineageId: 'B', encounterDate: '2026-11-27' }), entry({ id: 'a', lineageId: 'A', encounterDate: '2025-01-01' })];
    expect(mergeTimeline(page1, page2).map((n) => n.lineageId)).toEqual(['B', 'A']);
  });

  it("a nurse's revision of a 確定 note is shown beside it: the 確定 version stays the one shown until it is approved", () => {
    const nurse = { id: 'n', name: '看護師' };
    const v1 = note({ id: 'v1', status: 'final', isLatest: false });
    const v2 = note({ id: 'v2', version: 2, status: 'pending_approval', enterer: nurse, isProxyEntry: true, subjective: '修正後', createdAt: '2026-11-21T01:00:00.000Z' });
    const e = lineageEntry([v2, v1]);
    expect([e.id, e.status, e.subjective, e.pendingRevision?.id, e.earlierVersions]).toEqual(['v1', 'final', 'S', 'v2', []]);
    // a new 代行入力 note (no 確定 version yet) is shown as it is
    expect(lineageEntry([note({ id: 'p1', status: 'pending_approval' })])).toMatchObject({ id: 'p1', pendingRevision: null });
    // a doctor's own draft revision replaces the shown version as before
    expect(lineageEntry([note({ id: 'd2', version: 2 }), v1])).toMatchObject({ id: 'd2', pendingRevision: null, earlierVersions: [{ id: 'v1' }] });

    // in the browser: the nurse saves the revision, then the doctor approves it
    const saved = withSavedNote([{ ...lineageEntry([{ ...v1, isLatest: true }]) }], v2);
    expect(saved.map((x) => [x.id, x.pendingRevision?.id])).toEqual([['v1', 'v2']]);
    const approved = withSavedNote(saved, { ...v2, status: 'final' });
    expect(approved.map((x) => [x.id, x.status, x.pendingRevision, x.earlierVersions.map((v) => v.id)])).toEqual([['v2', 'final', null, ['v1']]]);
    // a stale server page (still the revision awaiting approval) does not win over the approval
    expect(mergeTimeline(approved, [lineageEntry([v2, v1])])[0]!.status).toBe('final');
  });
});

describe('前回カルテDo', () => {
  const empty = { subjective: '', objective: '', assessment: '', plan: '' };

  it('takes the newest 確定 note with S/O/A/P text, skipping drafts, vitals-only records and the note being edited', () => {
    const timeline = [
      entry({ id: 'vit', lineageId: 'V', status: 'final', subjective: '', encounterDate: '2026-12-05' }),
      entry({ id: 'dr', lineageId: 'D', status: 'draft', subjective: '今日の下書き', encounterDate: '2026-12-05' }),
      entry({ id: 'ed', lineageId: 'E', status: 'final', subjective: '編集中', encounterDate: '2026-12-01' }),
      entry({ id: 'last', lineageId: 'L', status: 'final', subjective: '前回のS', plan: '前回のP', encounterDate: '2026-11-20' }),
      entry({ id: 'old', lineageId: 'O', status: 'final', subjective: '古い', encounterDate: '2026-10-01' }),
    ];
    expect(previousNoteForDo(timeline, 'E')?.id).toBe('last');
    expect(previousNoteForDo(timeline)?.id).toBe('ed');
    expect(previousNoteForDo([entry({ status: 'entered_in_error', subjective: 'x' })])).toBeNull();
  });

  it("skips a nurse's 予診, which the doctor takes into S by the day's 予診 instead", () => {
    const timeline = [
      entry({ id: 'in', lineageId: 'I', status: 'final', kind: 'intake', subjective: '主訴: 咳', encounterDate: '2026-12-05' }),
      entry({ id: 'last', lineageId: 'L', status: 'final', subjective: '前回のS', encounterDate: '2026-11-20' }),
      entry({ id: 'oldin', lineageId: 'J', status: 'final', kind: 'intake', subjective: '主訴: 頭痛', encounterDate: '2026-11-20' }),
    ];
    expect(previousNoteForDo(timeline)?.id).toBe('last');
    expect(intakeOfDay(timeline, '2026-12-05')?.id).toBe('in');
    expect(intakeOfDay(timeline, '2026-12-06')).toBeNull();
    expect(intakeOfDay([entry({ kind: 'intake', status: 'entered_in_error', encounterDate: '2026-12-05' })], '2026-12-05')).toBeNull();
  });

  it('fills empty sections, keeps what was already typed, and copies only the chosen sections', () => {
    const source = { subjective: '前回のS', objective: '前回のO', assessment: '高血圧症', plan: '' };
    expect(applyNoteDo(empty, source)).toEqual({ values: { ...source }, copied: ['subjective', 'objective', 'assessment'], kept: [] });
    expect(applyNoteDo({ ...empty, subjective: '今日の訴え' }, source)).toEqual({
      values: { subjective: '今日の訴え', objective: '前回のO', assessment: '高血圧症', plan: '' },
      copied: ['objective', 'assessment'],
      kept: ['subjective'],
    });
    expect(applyNoteDo(empty, source, ['assessment']).values).toEqual({ ...empty, assessment: '高血圧症' });
  });
});

describe('appendNoteSections (セットの適用)', () => {
  it('appends the set text after what is typed, on a new line, and leaves sections without set text alone', () => {
    const current = { subjective: '今日の訴え  ', objective: '', assessment: 'A', plan: '' };
    const text = { subjective: '咽頭痛', objective: '咽頭発赤', assessment: '', plan: ' ' };
    expect(appendNoteSections(current, text)).toEqual({
      values: { subjective: '今日の訴え\n咽頭痛', objective: '咽頭発赤', assessment: 'A', plan: '' },
      added: ['subjective', 'objective'],
    });
  });
});
