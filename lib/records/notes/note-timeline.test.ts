import { describe, expect, it } from 'vitest';
import type { NoteDto, NoteWithHistoryDto } from './note.dto';
import { mergeTimeline, withSavedNote } from './note-timeline';

const staff = { id: 'd1', name: '医師' };
function note(over: Partial<NoteDto> = {}): NoteDto {
  return {
    id: 'n1', lineageId: 'L1', version: 1, isLatest: true, patientId: 'p', visitId: null, encounterDate: '2026-11-20',
    status: 'draft', statusLabel: '下書き', subjective: 'S', objective: '', assessment: '', plan: '',
    vitals: { heightCm: null, weightKg: null, systolicBp: null, diastolicBp: null, pulse: null, bodyTempC: null, spo2: null },
    bmi: null, author: staff, enterer: staff, isProxyEntry: false, approvedBy: null, approvedAt: null, confirmedBy: null, confirmedAt: null,
    contentHash: null, hashVerified: null, changeReason: null, supersedesId: null, createdAt: '2026-11-20T01:00:00.000Z', supersededAt: null,
    ...over,
  };
}
const entry = (over: Partial<NoteDto> = {}): NoteWithHistoryDto => {
  const n = note(over);
  return { ...n, firstCreatedAt: n.createdAt, earlierVersions: [] };
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
});
