/** The 健康診断結果報告書 form's starting state (server-safe: the pages compute it, the client form takes it). */
import type { CheckupReportContent } from '@/lib/records/documents/checkup-report.schema';
import type { CheckupReportPrefillDto } from '@/lib/records/documents/checkup-report.service';
import { CHECKUP_ITEMS } from '@/lib/records/documents/document.constants';

export type CheckupReportSeed = { documentId?: string; lineageId?: string; sourceStatus: 'draft' | 'final'; content: CheckupReportContent };

const emptyValues = () => Object.fromEntries(CHECKUP_ITEMS.map((i) => [i.key, ''])) as CheckupReportContent['values'];

export function checkupSeedFromPrefill(p: CheckupReportPrefillDto): CheckupReportSeed {
  return {
    sourceStatus: 'draft',
    content: {
      examDate: p.examDate,
      values: { ...emptyValues(), ...p.values },
      urineGlucose: (p.urineGlucose || '') as CheckupReportContent['urineGlucose'],
      urineProtein: (p.urineProtein || '') as CheckupReportContent['urineProtein'],
      metabolic: '',
      overallJudgment: '',
      doctorComment: '',
      questionnaire: p.questionnaire,
    },
  };
}

export function checkupSeedFromContent(doc: { id: string; lineageId: string; status: string; content: CheckupReportContent }): CheckupReportSeed {
  return { documentId: doc.id, lineageId: doc.lineageId, sourceStatus: doc.status === 'final' ? 'final' : 'draft', content: doc.content };
}
