import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { AppError } from '@/lib/core/app-error';
import { dateOnly, toWareki } from '@/lib/core/dates';
import { requirePageActor } from '@/lib/auth/guards';
import { getPrescriptionForPrint } from '@/lib/records/prescriptions/prescription.service';
import type { PrescriptionItemDto, PrescriptionPrintDto } from '@/lib/records/prescriptions/prescription.dto';
import { Card, LinkButton } from '@/components/ui/ui';
import { PrintButton } from '@/components/chart/prescriptions/print-button';

export const metadata: Metadata = { title: '処方箋' };

const wareki = (iso: string) => toWareki(dateOnly(iso));
const fw = (s: string) => s.normalize('NFKC');

function doseText(i: PrescriptionItemDto): string {
  const amount = `${i.dose}${i.doseUnit}`;
  if (i.doseBasis === 'per_time') return `1回${amount}`;
  if (i.doseBasis === 'total') return `全量${amount}`;
  return `1日${amount}`;
}

function amountText(i: PrescriptionItemDto): string {
  if (i.kind === 'as_needed') return i.times ? `${i.times}回分` : '';
  if (i.days) return `${i.days}日分`;
  return '';
}

/**
 * 処方欄 of the 令和6年 様式: per drug the 「変更不可（医療上必要）」 and 「患者希望」 columns, then the drug name (【般】 when
 * prescribed by 一般名) and dose; per Rp the 用法 and days; at the bottom 「リフィル可 □（　回）」.
 */
function Rx({ items, refillTimes }: { items: PrescriptionItemDto[]; refillTimes: number | null }) {
  const groups = new Map<number, PrescriptionItemDto[]>();
  for (const i of items) groups.set(i.rpNumber, [...(groups.get(i.rpNumber) ?? []), i]);
  const check = (on: boolean) => <td className="w-10 text-center align-top text-[9pt]">{on ? '✓' : ''}</td>;
  return (
    <table className="rx w-full">
      <thead>
        <tr className="text-[7pt] leading-tight">
          <th className="w-10 text-center font-normal">変更不可<br />（医療上必要）</th>
          <th className="w-10 text-center font-normal">患者希望</th>
          <th className="w-8" />
          <th />
        </tr>
      </thead>
      <tbody>
        {[...groups.entries()].flatMap(([rp, list]) => [
          ...list.map((i, n) => (
            <tr key={i.id} data-testid="rx-line">
              {check(i.substitutionReason === 'medical')}
              {check(i.substitutionReason === 'patient')}
              <td className="align-top font-semibold">{n === 0 ? `Rp${rp}` : ''}</td>
              <td className="align-top">
                <div className="flex justify-between gap-2">
                  <span>
                    {i.drugName}
                    {i.comment && <span className="ml-1 text-[8pt]">（{i.comment}）</span>}
                  </span>
                  <span className="whitespace-nowrap">{doseText(i)}</span>
                </div>
              </td>
            </tr>
          )),
          <tr key={`${rp}-usage`}>
            <td colSpan={3} />
            <td className="align-top">
              <div className="flex justify-between gap-2 pl-4">
                <span>{list[0]!.usageText}</span>
                <span className="whitespace-nowrap">{amountText(list[0]!)}</span>
              </div>
            </td>
          </tr>,
        ])}
        <tr>
          <td colSpan={4} className="pt-1 text-center text-[9pt]">以下余白</td>
        </tr>
        <tr>
          <td colSpan={4} className="pt-1 text-right" data-testid="rx-refill">
            リフィル可 {refillTimes ? '☑' : '□'}（{refillTimes ? `${refillTimes}` : '\u3000'}回）
          </td>
        </tr>
      </tbody>
    </table>
  );
}

function Sheet({ data }: { data: PrescriptionPrintDto }) {
  const { prescription: p, patient, clinic } = data;
  const ins = patient.insurance;
  const pe = patient.publicExpense;
  const inst = clinic.institutionNumber;
  return (
    <div className="rx-sheet mx-auto bg-white text-black">
      <h1 className="text-center text-[15pt] font-bold tracking-[0.6em]">処方箋</h1>
      <p className="mb-1 text-center text-[8pt]">（この処方箋は、どの保険薬局でも有効です。）</p>
      <table className="grid-table w-full">
        <tbody>
          <tr>
            <th className="w-[22%]">公費負担者番号</th>
            <td className="w-[28%] font-mono">{pe?.payerNumber ?? ''}</td>
            <th className="w-[20%]">保険者番号</th>
            <td className="font-mono">{ins?.insurerNumber ?? ''}</td>
          </tr>
          <tr>
            <th>公費負担医療の受給者番号</th>
            <td className="font-mono">{pe?.recipientNumber ?? ''}</td>
            <th>被保険者証・被保険者手帳の記号・番号</th>
            <td>
              {ins ? [ins.symbol, ins.number].filter(Boolean).join('・') : ''}
              {ins?.branch ? `（枝番）${ins.branch}` : ''}
            </td>
          </tr>
          <tr>
            <th rowSpan={3}>患者</th>
            <td>
              <div className="text-[8pt]">{patient.fullNameKana}</div>
              <div className="text-[12pt] font-semibold">{patient.fullName}</div>
            </td>
            <th rowSpan={2}>保険医療機関の所在地及び名称</th>
            <td rowSpan={2}>
              <div>{clinic.postalCode ? `〒${clinic.postalCode} ` : ''}{clinic.address ?? ''}</div>
              <div className="font-semibold">{clinic.name}</div>
            </td>
          </tr>
          <tr>
            <td>
              生年月日 {patient.birthDateWareki}　{patient.sexLabel}
            </td>
          </tr>
          <tr>
            <td>区分 {ins ? (ins.relationship === 'self' ? '被保険者' : '被扶養者') : ''}</td>
            <th>電話番号</th>
            <td>{clinic.phone ?? ''}</td>
          </tr>
          <tr>
            <th>交付年月日</th>
            <td>{wareki(p.issuedDate)}</td>
            <th>保険医氏名</th>
            <td>
              {data.doctorName}
              <span className="float-right text-[9pt]">㊞</span>
            </td>
          </tr>
          <tr>
            <th>処方箋の使用期間</th>
            <td>
              {wareki(data.validUntil)}まで
              <div className="text-[7pt] leading-tight">特に記載のある場合を除き、交付の日を含めて4日以内に保険薬局に提出すること。</div>
            </td>
            <th>都道府県番号・点数表番号・医療機関コード</th>
            <td className="font-mono">
              {inst.slice(0, 2)}　{inst.slice(2, 3)}　{inst.slice(3)}
            </td>
          </tr>
          <tr>
            <th className="align-top">
              処方
              <div className="mt-1 text-left text-[7pt] font-normal leading-tight">
                個々の処方薬について、医療上の必要性があるため、後発医薬品（ジェネリック医薬品）への変更に差し支えがあると判断した場合には、「変更不可」欄に「✓」又は「×」を記載し、「保険医署名」欄に署名又は記名・押印すること。また、患者の希望を踏まえ、先発医薬品を処方した場合には、「患者希望」欄に「✓」又は「×」を記載すること。
              </div>
            </th>
            <td colSpan={3} className="align-top">
              <Rx items={p.items} refillTimes={p.refillTimes} />
            </td>
          </tr>
          <tr>
            <th>保険医署名</th>
            <td colSpan={3} data-testid="rx-signature">{p.items.some((i) => i.substitutionReason === 'medical') ? data.doctorName : ''}</td>
          </tr>
          <tr>
            <th>備考</th>
            <td colSpan={3} className="h-12 align-top">
              {p.note ? fw(p.note) : ''}
              {!p.outOfHouse && <div>（院内処方）</div>}
              <div className="text-[7pt] text-slate-700">患者番号 {patient.patientNumber}</div>
            </td>
          </tr>
          {p.refillTimes && (
            <tr data-testid="rx-refill-dispensing">
              <th>調剤実施回数</th>
              <td colSpan={3} className="text-[8pt]">
                {Array.from({ length: p.refillTimes }, (_, n) => (
                  <span key={n} className="mr-2 whitespace-nowrap">□{n + 1}回目調剤日（　　年　月　日）</span>
                ))}
                <span className="whitespace-nowrap">次回調剤予定日（　　年　月　日）</span>
              </td>
            </tr>
          )}
          <tr>
            <th>調剤済年月日</th>
            <td />
            <th>公費負担者番号</th>
            <td />
          </tr>
          <tr>
            <th>保険薬局の所在地及び名称</th>
            <td />
            <th>保険薬剤師氏名</th>
            <td />
          </tr>
        </tbody>
      </table>
    </div>
  );
}

/** 院外処方箋 (様式第二号 layout, 令和6年10月の改正: 患者希望 column, リフィル可), printable on A5 (default) or A4 (?size=a4). Only 確定 prescriptions print. */
export default async function PrescriptionPrintPage({
  params,
  searchParams,
}: {
  params: Promise<{ patientId: string; prescriptionId: string }>;
  searchParams: Promise<{ size?: string; print?: string }>;
}) {
  const actor = await requirePageActor('prescription.print');
  const { patientId, prescriptionId } = await params;
  const query = await searchParams;
  const size = query.size === 'a4' ? 'A4' : 'A5';
  // opened by the chart's 処方箋を印刷 command (Alt+O): the print dialog opens by itself, the key was the request
  const printNow = query.print === '1';
  let data: PrescriptionPrintDto;
  try {
    data = await getPrescriptionForPrint({ patientId, prescriptionId }, actor);
  } catch (e) {
    if (e instanceof AppError && e.code === 'NOT_FOUND') notFound();
    if (e instanceof AppError && (e.code === 'PRECONDITION_FAILED' || e.code === 'CONFLICT')) {
      return (
        <div className="mx-auto max-w-xl">
          <Card title="処方箋を印刷できません">
            <p className="mb-3 text-sm text-red-800" role="alert" data-testid="print-refused">
              {e.message}
            </p>
            <LinkButton href={`/patients/${patientId}`}>カルテに戻る</LinkButton>
          </Card>
        </div>
      );
    }
    throw e;
  }
  return (
    <div>
      <style>{`
        @page { size: ${size} portrait; margin: 7mm; }
        .rx-sheet { width: ${size === 'A5' ? '134mm' : '196mm'}; padding: 2mm; font-family: 'Noto Sans JP Variable', 'Noto Sans JP', sans-serif; font-size: ${size === 'A5' ? '9pt' : '10.5pt'}; }
        .rx-sheet .grid-table { border-collapse: collapse; }
        .rx-sheet .grid-table > tbody > tr > th, .rx-sheet .grid-table > tbody > tr > td { border: 0.6pt solid #000; padding: 1mm 1.5mm; vertical-align: middle; }
        .rx-sheet .grid-table > tbody > tr > th { font-weight: 500; font-size: 0.85em; text-align: center; background: #fff; }
        .rx-sheet .rx td { border: none; padding: 0.4mm 0; }
        @media print {
          main { padding: 0 !important; }
          body { background: #fff !important; }
        }
      `}</style>
      <div className="no-print mb-3 flex items-center justify-between gap-2">
        <LinkButton href={`/patients/${patientId}`}>カルテに戻る</LinkButton>
        <div className="flex items-center gap-2 text-sm">
          <LinkButton variant={size === 'A5' ? 'primary' : 'secondary'} href="?size=a5">A5</LinkButton>
          <LinkButton variant={size === 'A4' ? 'primary' : 'secondary'} href="?size=a4">A4</LinkButton>
          <PrintButton printOnOpen={printNow} />
        </div>
      </div>
      <Sheet data={data} />
    </div>
  );
}
