'use client';

import { Fragment, useState, useTransition, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { QueueDto } from '@/lib/reception/visit.service';
import { VISIT_STATUS_LABELS, VISIT_TRANSITIONS, VISIT_TYPE_LABELS, VISIT_TYPES, type VisitStatusValue, type VisitTypeValue } from '@/lib/reception/visit.constants';
import { adoptEligibilityInsuranceAction, changeVisitStatusAction, checkInAction, recheckEligibilityAction } from '@/lib/reception/visit.actions';
import { ELIGIBILITY_LABELS } from '@/lib/eligibility/eligibility.constants';
import type { PatientDto } from '@/lib/records/patients/patient.dto';
import { PatientSearch } from '@/components/patients/patient-search';
import { PatientForm } from '@/components/patients/patient-form';
import { Badge, Button, Card, ErrorBanner, LinkButton, NoticeBanner } from '@/components/ui/ui';
import { OrcaBadge } from './orca-badge';
import { OpenChartLink } from './open-chart-link';
import { VisitDetailsEditor } from './visit-details-editor';
import { backgroundRequestHeaders } from '@/lib/web/request-headers';
import { sessionEnded } from '@/lib/web/session-exit';

const STATUS_TONE: Record<VisitStatusValue, 'slate' | 'blue' | 'amber' | 'teal' | 'green' | 'red'> = {
  received: 'blue', waiting: 'amber', in_consultation: 'teal', billing: 'slate', done: 'green', cancelled: 'red',
};
const ELIGIBILITY_TONE: Record<string, 'green' | 'red' | 'amber' | 'slate'> = { valid: 'green', expired: 'red', unknown: 'amber', unavailable: 'amber', not_checked: 'slate' };
/** The buttons of a row: the next steps of the day (取消 is separate, and asks first). */
const NEXT_STEPS: Record<VisitStatusValue, { to: VisitStatusValue; label: string }[]> = {
  received: [{ to: 'waiting', label: '診察待ちへ' }, { to: 'in_consultation', label: '診察開始' }],
  waiting: [{ to: 'in_consultation', label: '診察開始' }],
  in_consultation: [{ to: 'billing', label: '会計へ' }],
  billing: [{ to: 'done', label: '完了' }],
  done: [],
  cancelled: [{ to: 'received', label: '取消を元に戻す' }],
};

async function fetchQueue(): Promise<QueueDto | undefined> {
  const res = await fetch('/api/internal/reception/queue', { cache: 'no-store', headers: backgroundRequestHeaders });
  if (res.status === 401) {
    sessionEnded();
    return undefined;
  }
  if (!res.ok) throw new Error('受付一覧を取得できませんでした。');
  return res.json();
}

export function ReceptionBoard(props: {
  initialQueue: QueueDto;
  canCheckIn: boolean;
  canRegister: boolean;
  canOpenChart: boolean;
  /** a doctor: opening the chart from the queue starts the consultation (診察中) */
  startsConsultation: boolean;
  canRecheck: boolean;
  doctors: { id: string; name: string }[];
  departments: { id: string; name: string }[];
  /** 本日の予約 (components/reception/today-appointments.tsx), above the queue */
  appointments?: ReactNode;
}) {
  const queryClient = useQueryClient();
  const queue = useQuery({ queryKey: ['reception-queue'], queryFn: fetchQueue, initialData: props.initialQueue, refetchInterval: 5_000 });
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // the visit just cancelled, offered back until the next action
  const [undo, setUndo] = useState<{ visitId: string; label: string } | null>(null);
  const [registering, setRegistering] = useState(false);
  const [showDone, setShowDone] = useState(false);
  // 担当医 for the next check-ins; none: the first doctor who writes in the chart becomes the visit's doctor
  const [doctorId, setDoctorId] = useState('');
  // 診療科 stays for the next check-ins too; 初診/再診 and the 受付メモ belong to one patient and reset after each
  const [departmentId, setDepartmentId] = useState(props.departments.length === 1 ? props.departments[0]!.id : '');
  const [firstVisit, setFirstVisit] = useState<'' | 'first' | 'revisit'>('');
  const [memo, setMemo] = useState('');
  // 外来 / 健診 (0086): resets after each check-in like 初診・再診
  const [visitType, setVisitType] = useState<VisitTypeValue>('outpatient');
  // the visit whose 受付の詳細 are being changed (0060)
  const [editing, setEditing] = useState<string | null>(null);

  const refresh = () => queryClient.invalidateQueries({ queryKey: ['reception-queue'] });

  const checkIn = (p: PatientDto) =>
    startTransition(async () => {
      setError(null);
      setNotice(null);
      setUndo(null);
      const r = await checkInAction({
        patientId: p.id,
        ...(doctorId ? { doctorId } : {}),
        ...(departmentId ? { departmentId } : {}),
        ...(firstVisit ? { firstVisit: firstVisit === 'first' } : {}),
        ...(memo.trim() ? { memo: memo.trim() } : {}),
        visitType,
      });
      if (!r.ok) return setError(r.error);
      const e = r.data.eligibility;
      setFirstVisit('');
      setMemo('');
      setVisitType('outpatient');
      setNotice(`${p.fullName}さんを受付しました（受付番号 ${r.data.receptionNumber}・${r.data.firstVisit ? '初診' : '再診'}）。資格確認: ${e ? ELIGIBILITY_LABELS[e.result] + ('message' in e ? `（${e.message}）` : '') : '保険情報なし'}`);
      refresh();
    });

  const move = (visitId: string, status: VisitStatusValue, onDone?: () => void) =>
    startTransition(async () => {
      setError(null);
      setUndo(null);
      const r = await changeVisitStatusAction({ visitId, status });
      if (!r.ok) setError(r.error);
      else onDone?.();
      refresh();
    });

  const cancel = (v: QueueDto['entries'][number]) => {
    const label = `受付番号 ${v.receptionNumber} ${v.patient.name}さん`;
    if (!window.confirm(`${label}の受付を取消しますか？（取消した後も元に戻せます）`)) return;
    move(v.visitId, 'cancelled', () => {
      setNotice(null);
      setUndo({ visitId: v.visitId, label });
    });
  };

  // オンライン資格確認 → the patient's insurance: a person confirms, then a new version of the patient (0060)
  const adopt = (v: QueueDto['entries'][number]) => {
    const ins = v.insurance!;
    const what = [ins.insurerName && `保険者名「${ins.insurerName}」`, ins.copaymentRate !== null && `負担 ${ins.copaymentRate / 10}割`, ins.validUntil && `有効期限 ${ins.validUntil.replaceAll('-', '/')}`].filter(Boolean).join('・');
    if (!window.confirm(`${v.patient.name}さんの保険情報に、資格確認の結果（${what}）を反映しますか？`)) return;
    startTransition(async () => {
      setError(null);
      const r = await adoptEligibilityInsuranceAction({ visitId: v.visitId });
      if (!r.ok) setError(r.error);
      else setNotice(`${v.patient.name}さんの保険情報に資格確認の結果を反映しました。`);
      refresh();
    });
  };

  const recheck = (visitId: string) =>
    startTransition(async () => {
      const r = await recheckEligibilityAction({ visitId });
      if (!r.ok) setError(r.error);
      refresh();
    });

  const rows = (queue.data?.entries ?? []).filter((v) => showDone || (v.status !== 'done' && v.status !== 'cancelled'));
  const counts = (queue.data?.entries ?? []).reduce<Record<string, number>>((acc, v) => ({ ...acc, [v.status]: (acc[v.status] ?? 0) + 1 }), {});

  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-4">
      <div className="flex items-center justify-between">
        <h1 className="text-xl font-bold">受付 <span className="text-base font-normal text-slate-500" data-testid="reception-day">{queue.data?.dateLabel ?? props.initialQueue.dateLabel}</span></h1>
        <div className="flex gap-2 text-xs">
          {(['received', 'waiting', 'in_consultation', 'billing', 'done'] as const).map((s) => (
            <Badge key={s} tone={STATUS_TONE[s]}>{VISIT_STATUS_LABELS[s]} {counts[s] ?? 0}</Badge>
          ))}
        </div>
      </div>
      {error && <ErrorBanner>{error}</ErrorBanner>}
      {notice && <NoticeBanner><span data-testid="reception-notice">{notice}</span></NoticeBanner>}
      {undo && (
        <NoticeBanner>
          <span data-testid="reception-undo">{undo.label}の受付を取消しました。</span>{' '}
          <Button variant="secondary" disabled={pending} onClick={() => move(undo.visitId, 'received', () => setNotice(`${undo.label}の取消を元に戻しました。`))}>元に戻す</Button>
        </NoticeBanner>
      )}
      {props.canCheckIn && (
        <Card title="患者を探して受付" actions={props.canRegister && <Button variant="secondary" onClick={() => setRegistering((r) => !r)}>{registering ? '閉じる' : '新規患者を登録して受付'}</Button>}>
          {registering ? (
            <PatientForm onSaved={(p) => { setRegistering(false); checkIn(p); }} />
          ) : (
            <PatientSearch onPick={checkIn} recentWhenEmpty={false} actions={(p) => <Button disabled={pending} onClick={() => checkIn(p)}>受付</Button>} />
          )}
          <p className="mt-2 text-xs text-slate-500">名前・カナ・患者番号を入力して Enter で受付します（該当が複数のときは一覧から選びます）。</p>
          <div className="mt-2 flex flex-wrap items-center gap-x-4 gap-y-2 text-sm" data-testid="reception-details">
            {props.departments.length > 0 && (
              <span className="flex items-center gap-2">
                <label htmlFor="reception-department" className="text-xs font-medium text-slate-700">診療科</label>
                <select id="reception-department" className="rounded border border-slate-300 px-2 py-1 text-sm" value={departmentId} onChange={(e) => setDepartmentId(e.target.value)}>
                  <option value="">指定なし</option>
                  {props.departments.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
                </select>
              </span>
            )}
            {props.doctors.length > 0 && (
              <span className="flex items-center gap-2">
                <label htmlFor="reception-doctor" className="text-xs font-medium text-slate-700">担当医</label>
                <select id="reception-doctor" className="rounded border border-slate-300 px-2 py-1 text-sm" value={doctorId} onChange={(e) => setDoctorId(e.target.value)}>
                  <option value="">指定なし（最初に記載した医師）</option>
                  {props.doctors.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
                </select>
              </span>
            )}
            <span className="flex items-center gap-2">
              <label htmlFor="reception-visit-type" className="text-xs font-medium text-slate-700">種別</label>
              <select id="reception-visit-type" className="rounded border border-slate-300 px-2 py-1 text-sm" value={visitType} onChange={(e) => setVisitType(e.target.value as VisitTypeValue)}>
                {VISIT_TYPES.map((t) => <option key={t} value={t}>{VISIT_TYPE_LABELS[t]}</option>)}
              </select>
            </span>
            <span className="flex items-center gap-2">
              <label htmlFor="reception-first-visit" className="text-xs font-medium text-slate-700">初診・再診</label>
              <select id="reception-first-visit" className="rounded border border-slate-300 px-2 py-1 text-sm" value={firstVisit} onChange={(e) => setFirstVisit(e.target.value as typeof firstVisit)}>
                <option value="">来院歴から判定（初めてなら初診）</option>
                <option value="first">初診</option>
                <option value="revisit">再診</option>
              </select>
            </span>
            <span className="flex grow items-center gap-2">
              <label htmlFor="reception-memo" className="text-xs font-medium text-slate-700">受付メモ</label>
              <input id="reception-memo" className="min-w-48 grow rounded border border-slate-300 px-2 py-1 text-sm" maxLength={200} value={memo} onChange={(e) => setMemo(e.target.value)} placeholder="例: 発熱あり・別室待機" />
            </span>
          </div>
        </Card>
      )}
      {props.appointments}
      <Card title="本日の受付一覧" actions={<label className="flex items-center gap-1 text-xs"><input type="checkbox" checked={showDone} onChange={(e) => setShowDone(e.target.checked)} />完了・キャンセルも表示</label>}>
        <table className="w-full text-sm">
          <thead className="text-left text-xs text-slate-500">
            <tr>
              <th className="py-1">番号</th><th>受付時刻</th><th>待ち時間</th><th>患者</th><th>状態</th><th>資格確認</th><th className="text-right">操作</th>
            </tr>
          </thead>
          <tbody data-testid="reception-queue">
            {rows.map((v) => {
              const next = NEXT_STEPS[v.status].filter((s) => VISIT_TRANSITIONS[v.status].includes(s.to));
              const editable = props.canCheckIn && v.status !== 'done' && v.status !== 'cancelled';
              return (
                <Fragment key={v.visitId}>
                <tr className="border-t border-slate-100" data-status={v.status}>
                  <td className="py-1.5 font-mono text-base font-bold">
                    {v.receptionNumber}
                    {v.carriedOver && <span className="ml-1"><Badge tone="amber">前日 {v.visitDate.slice(5).replace('-', '/')}</Badge></span>}
                    {v.visitType === 'checkup' && <span className="ml-1" data-testid="visit-checkup"><Badge tone="teal">{VISIT_TYPE_LABELS.checkup}</Badge></span>}
                  </td>
                  <td>{new Date(v.arrivedAt).toLocaleTimeString('ja-JP', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Tokyo' })}</td>
                  <td>{v.waitingMinutes !== null ? <span className={v.waitingMinutes >= 30 ? 'font-bold text-red-700' : ''}>{v.waitingMinutes}分</span> : '−'}</td>
                  <td>
                    <div className="font-medium">
                      {props.canOpenChart ? (
                        <OpenChartLink className="text-teal-800 hover:underline" visitId={v.visitId} patientId={v.patient.id} starts={props.startsConsultation}>{v.patient.name}</OpenChartLink>
                      ) : v.patient.name}
                    </div>
                    <div className="text-xs text-slate-500">{v.patient.kana}・{v.patient.age}歳 {v.patient.sex}・No.{v.patient.patientNumber}</div>
                    <div className="flex flex-wrap gap-x-2 text-xs text-slate-600">
                      {v.firstVisit !== null && <span data-testid="visit-first">{v.firstVisit ? '初診' : '再診'}</span>}
                      {v.departmentName && <span data-testid="visit-department">{v.departmentName}</span>}
                      {v.doctorName && <span data-testid="visit-doctor">担当医: {v.doctorName}</span>}
                      {v.insurance && (
                        <span data-testid="visit-insurance">
                          {v.insurance.insurerName ?? '保険者名不明'}
                          {v.insurance.copaymentRate !== null && <>・負担 {v.insurance.copaymentRate / 10}割</>}
                        </span>
                      )}
                      {v.insurance?.differs && props.canRegister && (
                        <span className="text-amber-800" data-testid="visit-insurance-differs">
                          資格確認の内容が登録と異なります
                          <button type="button" className="ml-1 text-teal-700 underline" disabled={pending} onClick={() => adopt(v)}>登録に反映</button>
                        </span>
                      )}
                    </div>
                    {v.memo && <div className="text-xs text-amber-800" data-testid="visit-memo">メモ: {v.memo}</div>}
                  </td>
                  <td><Badge tone={STATUS_TONE[v.status]}>{VISIT_STATUS_LABELS[v.status]}</Badge>{v.orca && <> <OrcaBadge orca={v.orca} /></>}</td>
                  <td title={v.eligibilityMessage ?? undefined}>
                    <Badge tone={ELIGIBILITY_TONE[v.eligibility] ?? 'slate'}>{ELIGIBILITY_LABELS[v.eligibility as keyof typeof ELIGIBILITY_LABELS]}</Badge>
                    {props.canRecheck && v.eligibility !== 'valid' && <button type="button" className="ml-1 text-xs text-teal-700 underline" onClick={() => recheck(v.visitId)}>再確認</button>}
                  </td>
                  <td className="space-x-1 text-right">
                    {props.canCheckIn && next.map((s) => <Button key={s.to} variant="secondary" disabled={pending} onClick={() => move(v.visitId, s.to)}>{s.label}</Button>)}
                    {props.canCheckIn && VISIT_TRANSITIONS[v.status].includes('cancelled') && <Button variant="ghost" disabled={pending} onClick={() => cancel(v)}>取消</Button>}
                    {editable && editing !== v.visitId && <Button variant="ghost" disabled={pending} onClick={() => setEditing(v.visitId)}>変更</Button>}
                    <LinkButton variant="ghost" href={`/reception/${v.visitId}/slip`} prefetch={false}>受付票</LinkButton>
                  </td>
                </tr>
                {editable && editing === v.visitId && (
                  <tr>
                    <td colSpan={7}>
                      <VisitDetailsEditor
                        visit={v}
                        doctors={props.doctors}
                        departments={props.departments}
                        onDone={(message) => {
                          setEditing(null);
                          if (message) setNotice(message);
                          refresh();
                        }}
                      />
                    </td>
                  </tr>
                )}
                </Fragment>
              );
            })}
            {rows.length === 0 && <tr><td colSpan={7} className="py-6 text-center text-slate-500">受付中の患者はいません。</td></tr>}
          </tbody>
        </table>
        <p className="mt-2 text-right text-xs text-slate-500">{queue.isFetching ? '更新中…' : '5秒ごとに自動更新'}</p>
      </Card>
    </div>
  );
}
