import type { PatientDto } from '@/lib/records/patients/patient.dto';
import { RELATIONSHIP_LABELS } from '@/lib/records/patients/patient.schema';
import { Card } from '@/components/ui/ui';

const Row = ({ label, children }: { label: string; children: React.ReactNode }) => (
  <div className="flex gap-3 border-b border-slate-100 py-1.5 text-sm last:border-0">
    <dt className="w-32 shrink-0 text-slate-500">{label}</dt>
    <dd>{children ?? <span className="text-slate-500">未登録</span>}</dd>
  </div>
);

export function PatientDemographics({ patient }: { patient: PatientDto }) {
  const ins = patient.insurance;
  const pe = patient.publicExpense;
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <Card title="基本情報">
        <dl>
          <Row label="患者番号">{patient.patientNumber}</Row>
          <Row label="氏名">{patient.fullName}</Row>
          <Row label="カナ">{patient.fullNameKana}</Row>
          <Row label="性別">{patient.sexLabel}</Row>
          <Row label="生年月日">
            {patient.birthDate.replaceAll('-', '/')}（{patient.birthDateWareki}）{patient.age}歳
          </Row>
          <Row label="郵便番号">{patient.postalCode}</Row>
          <Row label="住所">{patient.address}</Row>
          <Row label="電話番号">{patient.phone}</Row>
        </dl>
      </Card>
      <div className="flex flex-col gap-4">
        <Card title="医療保険">
          {ins ? (
            <dl>
              <Row label="保険者番号">{ins.insurerNumber}</Row>
              <Row label="記号・番号">
                {ins.symbol ?? '−'}・{ins.number}
                {ins.branch && `（枝番 ${ins.branch}）`}
              </Row>
              <Row label="本人・家族">{RELATIONSHIP_LABELS[ins.relationship]}</Row>
              <Row label="有効期限">{ins.validUntil?.replaceAll('-', '/') ?? '定めなし'}</Row>
            </dl>
          ) : (
            <p className="text-sm text-slate-500">保険情報は未登録です（自費）。</p>
          )}
        </Card>
        <Card title="公費">
          {pe ? (
            <dl>
              <Row label="公費負担者番号">{pe.payerNumber}</Row>
              <Row label="受給者番号">{pe.recipientNumber}</Row>
              <Row label="有効期限">{pe.validUntil?.replaceAll('-', '/') ?? '定めなし'}</Row>
            </dl>
          ) : (
            <p className="text-sm text-slate-500">公費はありません。</p>
          )}
        </Card>
      </div>
    </div>
  );
}
