import type { CheckupReportDocumentDto, DocumentPrintDto } from '@/lib/records/documents/document.dto';
import { CheckupReportBody } from './checkup-report-body';

/** The printed 健康診断結果報告書 (A4; styled by the print page's `.referral-sheet` rules). */
export function CheckupReportSheet({ data, doc }: { data: DocumentPrintDto; doc: CheckupReportDocumentDto }) {
  const { patient, clinic, doctor } = data;
  return (
    <div className="referral-sheet mx-auto bg-white text-black" data-testid="checkup-report-sheet">
      <h1 className="mb-3 text-center text-[16pt] font-bold tracking-[0.3em]">健康診断結果報告書</h1>
      <p className="text-right">{data.dateWareki}</p>
      <div className="mb-3 flex justify-between gap-6">
        <div>
          <p className="text-[8pt]">{patient.fullNameKana}</p>
          <p className="text-[12pt] font-semibold">{patient.fullName}　様</p>
          <p>
            {patient.birthDateWareki}（{patient.age}歳） {patient.sexLabel}
          </p>
        </div>
        <div className="text-right text-[9.5pt]">
          <p className="font-semibold">{clinic.name}</p>
          <p>{clinic.address ?? ''}</p>
          <p>
            医師 {doctor.name}
            <span className="ml-6">㊞</span>
          </p>
        </div>
      </div>
      <CheckupReportBody content={doc.content} />
      <p className="mt-1 text-[7.5pt] text-slate-700">
        患者番号 {patient.patientNumber}　文書 第{doc.version}版
      </p>
    </div>
  );
}
