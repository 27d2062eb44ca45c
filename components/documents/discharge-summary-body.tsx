import type { DischargeSummaryContent } from '@/lib/records/documents/discharge-summary.schema';
import { DISCHARGE_OUTCOMES } from '@/lib/records/documents/document.constants';

/** Text as typed, line breaks kept (React escapes it; never innerHTML). */
function Text({ value }: { value: string }) {
  return <div className="whitespace-pre-wrap">{value}</div>;
}

const slash = (iso: string) => (iso ? iso.replaceAll('-', '/') : '');

function Diagnoses({ items, note }: { items: DischargeSummaryContent['dischargeDiagnoses']; note?: string }) {
  return (
    <div>
      {items.length ? (
        <ol className="list-decimal pl-5">
          {items.map((d) => (
            <li key={d.lineageId}>
              {d.name}
              {d.primary ? '（主病名）' : ''}
              {d.outcome ? `（${d.outcome}）` : ''}
            </li>
          ))}
        </ol>
      ) : null}
      {note ? <Text value={note} /> : null}
    </div>
  );
}

/**
 * The sections of a 退院時サマリー (入院期間, 診断, 主訴, 入院理由, 現病歴, 既往歴, アレルギー, 入院中の経過, 退院時処方,
 * 退院時の状態, 転帰・退院先, 退院時の指示, 担当医). Used by the document page and the print page: one rendering.
 */
export function DischargeSummaryBody({ content: c, admissionsHref }: { content: DischargeSummaryContent; /** the 入院 records' history pages (`<href>/<lineageId>`); absent in print */ admissionsHref?: string }) {
  const rows: [string, React.ReactNode][] = [
    [
      '入院期間',
      <span key="s">
        {slash(c.admissionDate)} 〜 {slash(c.dischargeDate)}
        {c.admission && admissionsHref ? (
          <a href={`${admissionsHref}/${c.admission.lineageId}`} className="no-print ml-3 text-xs text-teal-800 hover:underline" data-testid="summary-admission-link">
            入院記録（第{c.admission.version}版）から作成
          </a>
        ) : null}
      </span>,
    ],
    ['入院時診断', <Diagnoses key="ad" items={c.admissionDiagnoses} />],
    ['退院時診断', <Diagnoses key="dd" items={c.dischargeDiagnoses} note={c.diagnosesNote} />],
    ['主訴', <Text key="cc" value={c.chiefComplaint} />],
    ['入院理由', <Text key="r" value={c.reasonForAdmission} />],
    ['現病歴', <Text key="pi" value={c.presentIllness} />],
    ['既往歴', <Text key="ph" value={c.pastHistory} />],
    [
      'アレルギー・副作用歴',
      <div key="a">
        {c.allergies.length ? (
          <ul>
            {c.allergies.map((a) => (
              <li key={a.lineageId}>
                {a.name}（{a.category}）{a.reaction ? ` ${a.reaction}` : ''}
                {a.severity ? ` ${a.severity}` : ''}
              </li>
            ))}
          </ul>
        ) : c.allergiesNote ? null : (
          'なし'
        )}
        {c.allergiesNote ? <Text value={c.allergiesNote} /> : null}
      </div>,
    ],
    ['入院中の経過', <Text key="hc" value={c.hospitalCourse} />],
    ['退院時処方', <Text key="m" value={c.medications} />],
    ['退院時の状態', <Text key="dc" value={c.dischargeCondition} />],
    ['退院時転帰', <span key="o">{c.outcome ? DISCHARGE_OUTCOMES[c.outcome] : ''}</span>],
    ['退院先', <span key="d">{c.destination}</span>],
    ['退院時の指示・方針', <Text key="i" value={c.instructions} />],
    ['担当医', <span key="ad">{c.attendingDoctor}</span>],
  ];
  return (
    <table className="referral-sections w-full border-collapse text-sm" data-testid="discharge-summary-body">
      <tbody>
        {rows.map(([label, body]) => (
          <tr key={label} className="border-b border-slate-200 align-top">
            <th scope="row" className="w-36 py-1.5 pr-3 text-left font-medium whitespace-nowrap">
              {label}
            </th>
            <td className="py-1.5">{body}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
