import Link from 'next/link';
import type { PatientDto } from '@/lib/records/patients/patient.dto';
import { Badge } from '@/components/ui/ui';
import { todayJst } from '@/lib/core/dates';

/** The header that never scrolls away: who this is, insurance status, and (slot) the allergy banner. */
export function ChartHeader({ patient, allergyBanner, eligibility, actions }: { patient: PatientDto; allergyBanner: React.ReactNode; eligibility?: { result: string; checkedAt: string | null } | null; actions?: React.ReactNode }) {
  const ins = patient.insurance;
  const expired = ins?.validUntil ? ins.validUntil < todayJst() : false;
  const eligibilityBadge = eligibility
    ? ({ valid: <Badge tone="green">資格確認済</Badge>, expired: <Badge tone="red">資格喪失</Badge>, unknown: <Badge tone="amber">資格情報なし</Badge>, unavailable: <Badge tone="amber">資格確認できず</Badge>, not_checked: <Badge>資格未確認</Badge> } as Record<string, React.ReactNode>)[eligibility.result]
    : null;
  return (
    <div className="sticky top-11 z-20 -mx-4 -mt-4 mb-4 border-b border-slate-200 bg-white/95 px-4 py-2 shadow-sm backdrop-blur" data-testid="chart-header">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1">
        <h1 className="text-lg font-bold">
          {patient.fullName}
          <span className="ml-2 text-sm font-normal text-slate-500">{patient.fullNameKana}</span>
        </h1>
        <span className="text-sm">
          {patient.age}歳 {patient.sexLabel}
        </span>
        <span className="text-sm text-slate-600">
          {patient.birthDate.replaceAll('-', '/')}（{patient.birthDateWareki}）
        </span>
        <span className="text-sm">患者番号 <span className="font-mono">{patient.patientNumber}</span></span>
        <span className="flex items-center gap-1 text-xs">
          {ins ? (expired ? <Badge tone="red">保険証期限切れ</Badge> : <Badge tone="teal">保険 {ins.insurerNumber}</Badge>) : <Badge tone="amber">保険未登録</Badge>}
          {/* 保険者名 and 負担割合 once known (from the patient's record or taken over from the 資格確認, issue 13) */}
          {ins && (ins.insurerName || ins.copaymentRate !== null) && (
            <span className="text-slate-600" data-testid="chart-insurance">
              {[ins.insurerName, ins.copaymentRate !== null ? `負担 ${ins.copaymentRate / 10}割` : null].filter(Boolean).join('・')}
            </span>
          )}
          {eligibilityBadge}
        </span>
        <div className="ml-auto flex items-center gap-2">
          {actions}
          <Link href={`/patients/${patient.id}/profile`} className="text-xs text-teal-700 hover:underline">
            患者情報
          </Link>
        </div>
      </div>
      {allergyBanner}
    </div>
  );
}
