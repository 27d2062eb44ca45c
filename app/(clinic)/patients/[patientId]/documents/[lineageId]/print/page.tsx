import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { AppError } from '@/lib/core/app-error';
import { requirePageActor } from '@/lib/auth/guards';
import { getDocumentForPrint } from '@/lib/records/documents/document.service';
import type { DocumentPrintDto, ReferralDocumentDto } from '@/lib/records/documents/document.dto';
import { DischargeSummarySheet } from '@/components/documents/discharge-summary-sheet';
import { CheckupReportSheet } from '@/components/documents/checkup-report-sheet';
import { Card, LinkButton } from '@/components/ui/ui';
import { PrintButton } from '@/components/chart/prescriptions/print-button';

export const metadata: Metadata = { title: '文書の印刷' };

function Text({ value }: { value: string }) {
  return <div className="whitespace-pre-wrap">{value}</div>;
}

/** 診療情報提供書 in the layout of 別紙様式11: 紹介先 and 紹介元 at the top, the patient, then the sections in boxes. */
function Sheet({ data, doc: d }: { data: DocumentPrintDto; doc: ReferralDocumentDto }) {
  const { patient, clinic, doctor } = data;
  const c = d.content;
  const dest = c.destination;
  return (
    <div className="referral-sheet mx-auto bg-white text-black" data-testid="referral-sheet">
      <h1 className="mb-3 text-center text-[16pt] font-bold tracking-[0.5em]">診療情報提供書</h1>
      <p className="text-right">{data.dateWareki}</p>
      <div className="mb-3 flex justify-between gap-6">
        <div className="min-w-0 flex-1">
          <p className="text-[9pt]">紹介先医療機関等名</p>
          <p className="text-[12pt] font-semibold">{dest.name}</p>
          <p>
            {dest.department}
            {dest.doctor ? `　${dest.doctor}　先生` : '　担当医　先生'}　御侍史
          </p>
          {dest.address ? <p className="text-[9pt]">{dest.address}</p> : null}
        </div>
        <div className="w-[48%] text-[9.5pt]">
          <p className="text-[9pt]">紹介元医療機関の所在地及び名称</p>
          <p>
            {clinic.postalCode ? `〒${clinic.postalCode} ` : ''}
            {clinic.address ?? ''}
          </p>
          <p className="font-semibold">{clinic.name}</p>
          <p>電話番号 {clinic.phone ?? ''}</p>
          <p>
            医師氏名 {doctor.name}
            <span className="ml-6">㊞</span>
          </p>
          {doctor.department ? <p>診療科 {doctor.department}</p> : null}
        </div>
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
              {patient.birthDateWareki}（{patient.age}歳）
            </td>
          </tr>
          <tr>
            <th>住所</th>
            <td colSpan={3}>
              {patient.address ?? ''}
              {patient.phone ? `　電話 ${patient.phone}` : ''}
            </td>
          </tr>
          <tr>
            <th>傷病名</th>
            <td colSpan={3}>
              {c.diagnoses.map((x, i) => (
                <div key={x.lineageId}>
                  {i + 1}. {x.name}
                  {x.primary ? '（主病名）' : ''}
                  {x.outcome ? `（${x.outcome}）` : ''}
                </div>
              ))}
              {c.diagnosesNote ? <Text value={c.diagnosesNote} /> : null}
            </td>
          </tr>
          <tr>
            <th>紹介目的</th>
            <td colSpan={3} className="h-12">
              <Text value={c.purpose} />
            </td>
          </tr>
          <tr>
            <th>主訴</th>
            <td colSpan={3}>
              <Text value={c.chiefComplaint} />
            </td>
          </tr>
          <tr>
            <th>既往歴及び家族歴</th>
            <td colSpan={3}>
              {c.pastHistory ? <Text value={c.pastHistory} /> : null}
              {c.familyHistory ? <Text value={`（家族歴）${c.familyHistory}`} /> : null}
            </td>
          </tr>
          <tr>
            <th>症状経過及び検査結果</th>
            <td colSpan={3} className="h-16">
              <Text value={c.presentIllness} />
              {c.labs.length ? (
                <table className="mt-1 text-[9pt]">
                  <tbody>
                    {c.labs.map((l) => (
                      <tr key={l.id}>
                        <td className="pr-3">{l.name}</td>
                        <td className="pr-1 text-right">{l.value}</td>
                        <td className="pr-3">
                          {l.unit ?? ''}
                          {l.abnormal ? ` ${l.abnormal}` : ''}
                        </td>
                        <td>{l.date.replaceAll('-', '/')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : null}
              {c.labsNote ? <Text value={c.labsNote} /> : null}
            </td>
          </tr>
          <tr>
            <th>治療経過</th>
            <td colSpan={3} className="h-16">
              <Text value={c.clinicalCourse} />
            </td>
          </tr>
          <tr>
            <th>現在の処方</th>
            <td colSpan={3}>
              <Text value={c.medications} />
            </td>
          </tr>
          <tr>
            <th>アレルギー・副作用歴</th>
            <td colSpan={3}>
              {c.allergies.length ? c.allergies.map((a) => <div key={a.lineageId}>{`${a.name}（${a.category}）${a.reaction ? ` ${a.reaction}` : ''}`}</div>) : c.allergiesNote ? null : 'なし'}
              {c.allergiesNote ? <Text value={c.allergiesNote} /> : null}
            </td>
          </tr>
          <tr>
            <th>備考</th>
            <td colSpan={3}>
              <Text value={c.remarks} />
              <div className="mt-1 text-[7.5pt] text-slate-700">
                患者番号 {patient.patientNumber}　文書 第{d.version}版
              </div>
            </td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}

/** The printed 診療情報提供書 or 退院時サマリー (A4, the app's shipped Noto Sans JP). Only the latest 確定 version prints. */
export default async function DocumentPrintPage({ params }: { params: Promise<{ patientId: string; lineageId: string }> }) {
  const actor = await requirePageActor('chart.read');
  const { patientId, lineageId } = await params;
  let data: DocumentPrintDto;
  try {
    data = await getDocumentForPrint({ patientId, lineageId }, actor);
  } catch (e) {
    if (e instanceof AppError && e.code === 'NOT_FOUND') notFound();
    if (e instanceof AppError && e.code === 'PRECONDITION_FAILED') {
      return (
        <div className="mx-auto max-w-xl">
          <Card title="印刷できません">
            <p className="mb-3 text-sm text-red-800" role="alert" data-testid="print-refused">
              {e.message}
            </p>
            <LinkButton href={`/patients/${patientId}/documents/${lineageId}`}>文書に戻る</LinkButton>
          </Card>
        </div>
      );
    }
    throw e;
  }
  return (
    <div>
      <style>{`
        @page { size: A4 portrait; margin: 12mm; }
        .referral-sheet { width: 186mm; padding: 2mm; font-family: 'Noto Sans JP Variable', 'Noto Sans JP', sans-serif; font-size: 10.5pt; line-height: 1.5; }
        .referral-sheet .grid-table { border-collapse: collapse; }
        .referral-sheet .grid-table > tbody > tr > th, .referral-sheet .grid-table > tbody > tr > td { border: 0.6pt solid #000; padding: 1.2mm 2mm; vertical-align: top; }
        .referral-sheet .grid-table > tbody > tr > th { font-weight: 500; font-size: 0.9em; text-align: left; background: #fff; }
        .referral-sheet .grid-table td td { border: none; padding: 0; }
        @media print {
          main { padding: 0 !important; }
          body { background: #fff !important; }
        }
      `}</style>
      <div className="no-print mb-3 flex items-center justify-between gap-2">
        <LinkButton href={`/patients/${patientId}/documents/${lineageId}`}>文書に戻る</LinkButton>
        <PrintButton />
      </div>
      {data.document.kind === 'discharge_summary' ? (
        <DischargeSummarySheet data={data} doc={data.document} />
      ) : data.document.kind === 'checkup_report' ? (
        <CheckupReportSheet data={data} doc={data.document} />
      ) : (
        <Sheet data={data} doc={data.document} />
      )}
    </div>
  );
}
