import type { DischargeSummaryDocumentDto, DocumentPrintDto } from '@/lib/records/documents/document.dto';
import { DISCHARGE_OUTCOMES } from '@/lib/records/documents/document.constants';

function Text({ value }: { value: string }) {
  return <div className="whitespace-pre-wrap">{value}</div>;
}

const slash = (iso: string) => (iso ? iso.replaceAll('-', '/') : '');

/**
 * The printed 退院時サマリー (A4; styled by the print page's `.referral-sheet` rules): the clinic and the patient at the
 * top, the stay, then the sections in boxes in the order of the usual 様式.
 */
export function DischargeSummarySheet({ data, doc }: { data: DocumentPrintDto; doc: DischargeSummaryDocumentDto }) {
  const { patient, clinic, doctor } = data;
  const c = doc.content;
  const diagnoses = (items: typeof c.dischargeDiagnoses) =>
    items.map((x, i) => (
      <div key={x.lineageId}>
        {i + 1}. {x.name}
        {x.primary ? '（主病名）' : ''}
        {x.outcome ? `（${x.outcome}）` : ''}
      </div>
    ));
  const rows: [string, React.ReactNode, string?][] = [
    ['入院時診断', diagnoses(c.admissionDiagnoses)],
    ['退院時診断', <>{diagnoses(c.dischargeDiagnoses)}{c.diagnosesNote ? <Text value={c.diagnosesNote} /> : null}</>],
    ['主訴', <Text value={c.chiefComplaint} />],
    ['入院理由', <Text value={c.reasonForAdmission} />],
    ['現病歴', <Text value={c.presentIllness} />],
    ['既往歴', <Text value={c.pastHistory} />],
    [
      'アレルギー・副作用歴',
      <>
        {c.allergies.length ? c.allergies.map((a) => <div key={a.lineageId}>{`${a.name}（${a.category}）${a.reaction ? ` ${a.reaction}` : ''}`}</div>) : c.allergiesNote ? null : 'なし'}
        {c.allergiesNote ? <Text value={c.allergiesNote} /> : null}
      </>,
    ],
    ['入院中の経過', <Text value={c.hospitalCourse} />, 'h-24'],
    ['退院時処方', <Text value={c.medications} />],
    ['退院時の状態', <Text value={c.dischargeCondition} />],
    ['退院時の指示・方針', <Text value={c.instructions} />],
  ];
  return (
    <div className="referral-sheet mx-auto bg-white text-black" data-testid="discharge-summary-sheet">
      <h1 className="mb-3 text-center text-[16pt] font-bold tracking-[0.5em]">退院時サマリー</h1>
      <p className="text-right">{data.dateWareki}</p>
      <div className="mb-3 text-right text-[9.5pt]">
        <p>
          {clinic.postalCode ? `〒${clinic.postalCode} ` : ''}
          {clinic.address ?? ''}
        </p>
        <p className="font-semibold">{clinic.name}</p>
        <p>電話番号 {clinic.phone ?? ''}</p>
        <p>
          記載医師 {doctor.name}
          <span className="ml-6">㊞</span>
        </p>
      </div>
      <table className="grid-table w-full">
        <tbody>
          <tr>
            <th className="w-[18%]">患者氏名</th>
            <td>
              <div className="text-[8pt]">{patient.fullNameKana}</div>
              <div className="text-[12pt] font-semibold">{patient.fullName}　様</div>
            </td>
            <th className="w-[10%]">性別</th>
            <td className="w-[10%]">{patient.sexLabel}</td>
          </tr>
          <tr>
            <th>生年月日</th>
            <td colSpan={3}>
              {patient.birthDateWareki}（{patient.age}歳）　患者番号 {patient.patientNumber}
            </td>
          </tr>
          <tr>
            <th>入院期間</th>
            <td colSpan={3}>
              {slash(c.admissionDate)} 〜 {slash(c.dischargeDate)}
            </td>
          </tr>
          <tr>
            <th>退院時転帰</th>
            <td>{c.outcome ? DISCHARGE_OUTCOMES[c.outcome] : ''}</td>
            <th>退院先</th>
            <td>{c.destination}</td>
          </tr>
          {rows.map(([label, body, cls]) => (
            <tr key={label}>
              <th>{label}</th>
              <td colSpan={3} className={cls}>
                {body}
              </td>
            </tr>
          ))}
          <tr>
            <th>担当医</th>
            <td colSpan={3}>
              {c.attendingDoctor}
              <div className="mt-1 text-[7.5pt] text-slate-700">文書 第{doc.version}版</div>
            </td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}
