import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { AppError } from '@/lib/core/app-error';
import { requirePageActor } from '@/lib/auth/guards';
import { getVisitSlip, type VisitSlipDto } from '@/lib/reception/visit.service';
import { LinkButton } from '@/components/ui/ui';
import { PrintButton } from '@/components/chart/prescriptions/print-button';

export const metadata: Metadata = { title: '受付票' };

/** 受付票: one A6 slip per visit (受付番号 large, patient, 診療科, 担当医, 初診/再診, 受付メモ), printed from the board. */
export default async function VisitSlipPage({ params }: { params: Promise<{ visitId: string }> }) {
  const actor = await requirePageActor('reception.read');
  const { visitId } = await params;
  let slip: VisitSlipDto;
  try {
    slip = await getVisitSlip({ visitId }, actor);
  } catch (e) {
    if (e instanceof AppError && e.code === 'NOT_FOUND') notFound();
    throw e;
  }
  const rows: [string, string][] = [
    ['患者番号', String(slip.patient.patientNumber)],
    ['診療科', slip.departmentName ?? '指定なし'],
    ['担当医', slip.doctorName ?? '未定'],
    ['初診・再診', slip.firstVisit === null ? '−' : slip.firstVisit ? '初診' : '再診'],
    ['受付時刻', slip.arrivedTime],
  ];
  return (
    <div>
      <style>{`
        @page { size: A6 portrait; margin: 6mm; }
        .slip { width: 93mm; padding: 3mm; font-family: 'Noto Sans JP Variable', 'Noto Sans JP', sans-serif; font-size: 10pt; border: 0.6pt solid #000; }
        .slip th, .slip td { border-bottom: 0.4pt solid #999; padding: 1mm 1.5mm; text-align: left; }
        @media print { .slip { border: none; } }
      `}</style>
      <div className="no-print mx-auto mb-4 flex max-w-md justify-between">
        <LinkButton href="/reception">受付に戻る</LinkButton>
        <PrintButton />
      </div>
      <div className="slip mx-auto bg-white text-black" data-testid="visit-slip">
        <div className="flex items-baseline justify-between">
          <h1 className="text-[13pt] font-bold">受付票</h1>
          <span className="text-[8pt]">{slip.clinicName}</span>
        </div>
        {slip.cancelled && <p className="text-[10pt] font-bold text-red-700">この受付は取消されています</p>}
        <div className="my-2 text-center">
          <div className="text-[9pt]">受付番号</div>
          <div className="text-[40pt] font-bold leading-none" data-testid="slip-number">{slip.receptionNumber}</div>
          <div className="mt-1 text-[9pt]">{slip.dateLabel}</div>
        </div>
        <div className="text-[8pt]">{slip.patient.kana}</div>
        <div className="text-[14pt] font-semibold">{slip.patient.name} 様</div>
        <div className="mb-1 text-[9pt]">{slip.patient.age}歳 {slip.patient.sex}</div>
        <table className="w-full text-[10pt]">
          <tbody>
            {rows.map(([k, v]) => (
              <tr key={k}><th className="w-24 font-medium">{k}</th><td>{v}</td></tr>
            ))}
            {slip.memo && <tr><th className="w-24 align-top font-medium">受付メモ</th><td className="whitespace-pre-wrap">{slip.memo}</td></tr>}
          </tbody>
        </table>
        <p className="mt-2 text-[8pt]">お名前をお呼びするまで、待合室でお待ちください。</p>
      </div>
    </div>
  );
}
