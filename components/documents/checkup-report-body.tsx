import type { CheckupReportContent } from '@/lib/records/documents/checkup-report.schema';
import { CHECKUP_ITEMS, METABOLIC_JUDGMENTS, QUESTIONNAIRE_ITEMS, URINE_ITEMS, URINE_RESULTS } from '@/lib/records/documents/document.constants';

/**
 * The results of a 健康診断結果報告書 (特定健診): 実施日, each measured item with its unit, 尿糖・尿蛋白, メタボリック
 * シンドローム判定, 総合判定 and 医師の判断, then the 問診 answers (0086). Used by the document page and the print page: one rendering.
 */
export function CheckupReportBody({ content: c }: { content: CheckupReportContent }) {
  const rows: [string, string][] = [
    ['健診実施日', c.examDate ? c.examDate.replaceAll('-', '/') : ''],
    ...CHECKUP_ITEMS.filter((i) => c.values[i.key]).map((i): [string, string] => [i.label, `${c.values[i.key]} ${i.unit}`]),
    ...URINE_ITEMS.filter((u) => c[u.key]).map((u): [string, string] => [u.label, URINE_RESULTS[c[u.key] as keyof typeof URINE_RESULTS]]),
    ['メタボリックシンドローム判定', c.metabolic ? METABOLIC_JUDGMENTS[c.metabolic] : ''],
    ['総合判定', c.overallJudgment],
    ['医師の判断', c.doctorComment],
    ...QUESTIONNAIRE_ITEMS.filter((q) => c.questionnaire?.[q.key]).map((q): [string, string] => [
      `問診${q.no} ${q.label}`,
      (q.choices as Record<string, string>)[c.questionnaire![q.key]!] ?? '',
    ]),
  ];
  return (
    <table className="referral-sections w-full border-collapse text-sm" data-testid="checkup-report-body">
      <tbody>
        {rows.map(([label, value]) => (
          <tr key={label} className="border-b border-slate-200 align-top">
            <th scope="row" className="w-48 py-1.5 pr-3 text-left font-medium whitespace-nowrap">
              {label}
            </th>
            <td className="py-1.5 whitespace-pre-wrap">{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
