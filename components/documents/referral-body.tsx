import { ATTACHMENT_TYPE_LABELS } from '@/lib/records/documents/document.constants';
import { formatBytes } from '@/lib/records/documents/document-attachment.schema';
import type { ReferralContent } from '@/lib/records/documents/referral.schema';

/** Text as typed, line breaks kept (React escapes it; never innerHTML). */
function Text({ value }: { value: string }) {
  return <div className="whitespace-pre-wrap">{value}</div>;
}

/**
 * The sections of a 診療情報提供書 in the order of the usual 様式 (紹介目的, 傷病名, 主訴, 既往歴・家族歴, 現病歴・治療経過,
 * 検査結果, 現在の処方, アレルギー, 備考). Used by the document page and the print page: one rendering of the letter.
 */
export function ReferralBody({ content: c, attachmentsHref }: { content: ReferralContent; /** where an uploaded file is viewed (`<href>/<attachmentId>`); absent in print */ attachmentsHref?: string }) {
  const rows: [string, React.ReactNode][] = [
    ['紹介目的', <Text key="p" value={c.purpose} />],
    [
      '傷病名',
      <div key="d">
        <ol className="list-decimal pl-5">
          {c.diagnoses.map((d) => (
            <li key={d.lineageId}>
              {d.name}
              {d.primary ? '（主病名）' : ''}
              {d.outcome ? `（${d.outcome}）` : ''}
            </li>
          ))}
        </ol>
        {c.diagnosesNote ? <Text value={c.diagnosesNote} /> : null}
      </div>,
    ],
    ['主訴', <Text key="c" value={c.chiefComplaint} />],
    ['既往歴', <Text key="ph" value={c.pastHistory} />],
    ['家族歴', <Text key="fh" value={c.familyHistory} />],
    ['現病歴', <Text key="pi" value={c.presentIllness} />],
    ['治療経過', <Text key="cc" value={c.clinicalCourse} />],
    [
      '検査結果',
      <div key="l">
        {c.labs.length ? (
          <table className="text-[0.95em]">
            <tbody>
              {c.labs.map((l) => (
                <tr key={l.id}>
                  <td className="pr-4">{l.name}</td>
                  <td className="pr-2 text-right">{l.value}</td>
                  <td className="pr-2">{l.unit ?? ''}{l.abnormal ? ` ${l.abnormal}` : ''}</td>
                  <td className="text-slate-600">{l.date.replaceAll('-', '/')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {c.labsNote ? <Text value={c.labsNote} /> : null}
      </div>,
    ],
    ['現在の処方', <Text key="m" value={c.medications} />],
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
    ['備考', <Text key="r" value={c.remarks} />],
  ];
  if (c.attachments.length || c.attachedDocuments.length) {
    rows.push([
      '添付資料',
      <ul key="att" data-testid="referral-attachments">
        {c.attachments.map((a) => (
          <li key={a.id}>
            {attachmentsHref ? (
              <a href={`${attachmentsHref}/${a.id}`} target="_blank" rel="noopener noreferrer" className="text-teal-800 hover:underline">
                {a.fileName}
              </a>
            ) : (
              a.fileName
            )}
            （{ATTACHMENT_TYPE_LABELS[a.contentType]} {formatBytes(a.size)}）
          </li>
        ))}
        {c.attachedDocuments.map((d) => (
          <li key={d.id}>
            {d.title}（第{d.version}版）
          </li>
        ))}
      </ul>,
    ]);
  }
  return (
    <table className="referral-sections w-full border-collapse text-sm" data-testid="referral-body">
      <tbody>
        {rows.map(([label, body]) => (
          <tr key={label} className="border-b border-slate-200 align-top">
            <th scope="row" className="w-32 py-1.5 pr-3 text-left font-medium whitespace-nowrap">
              {label}
            </th>
            <td className="py-1.5">{body}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
