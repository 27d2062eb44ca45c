'use client';

import { useState, useTransition } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { AppointmentDayDto, AppointmentDto } from '@/lib/reception/appointment.service';
import { APPOINTMENT_STATUS_LABELS, NO_SHOW_AFTER_MINUTES, type AppointmentDisplayStatus } from '@/lib/reception/appointment.constants';
import { cancelAppointmentAction, checkInAppointmentAction } from '@/lib/reception/appointment.actions';
import { backgroundRequestHeaders } from '@/lib/web/request-headers';
import { sessionEnded } from '@/lib/web/session-exit';
import { Badge, Button, Card, ErrorBanner, LinkButton, NoticeBanner } from '@/components/ui/ui';
import { AppointmentMove, MoveNote } from './appointment-move';
import { ORCA_APPOINTMENT_LABELS } from '@/lib/orca/orca.constants';

const TONE: Record<AppointmentDisplayStatus, 'blue' | 'green' | 'slate' | 'red'> = { booked: 'blue', checked_in: 'green', cancelled: 'slate', moved: 'slate', no_show: 'red' };

/** 本日の予約 at 受付: each booked patient is checked in with one click; キャンセル and 未来院 stay visible. */
export function TodayAppointments({ initial, canCheckIn, doctors = [] }: { initial: AppointmentDayDto; canCheckIn: boolean; doctors?: { id: string; name: string }[] }) {
  const queryClient = useQueryClient();
  const day = useQuery({
    queryKey: ['reception-appointments'],
    queryFn: async (): Promise<AppointmentDayDto | undefined> => {
      const res = await fetch('/api/internal/reception/appointments', { cache: 'no-store', headers: backgroundRequestHeaders });
      if (res.status === 401) {
        sessionEnded();
        return undefined;
      }
      if (!res.ok) throw new Error('本日の予約を取得できませんでした。');
      return res.json();
    },
    initialData: initial,
    refetchInterval: 30_000,
  });
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [moving, setMoving] = useState<string | null>(null);

  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: ['reception-appointments'] }), queryClient.invalidateQueries({ queryKey: ['reception-queue'] })]);

  const checkIn = (a: AppointmentDto) =>
    startTransition(async () => {
      setError(null);
      setNotice(null);
      const r = await checkInAppointmentAction({ appointmentId: a.appointmentId });
      if (!r.ok) setError(r.error);
      else setNotice(`${a.patient.name}さんを受付しました（受付番号 ${r.data.receptionNumber}）。`);
      await refresh();
    });

  const cancel = (a: AppointmentDto) => {
    if (!window.confirm(`${a.time} ${a.patient.name}さんの予約を取消しますか？`)) return;
    startTransition(async () => {
      setError(null);
      setNotice(null);
      const r = await cancelAppointmentAction({ appointmentId: a.appointmentId });
      if (!r.ok) setError(r.error);
      else setNotice(`${a.time} ${a.patient.name}さんの予約を取消しました。`);
      await refresh();
    });
  };

  const entries = day.data?.entries ?? [];
  const waiting = entries.filter((e) => e.status === 'booked').length;
  return (
    <Card
      title={<>本日の予約 <span className="text-xs font-normal text-slate-500">予約 {waiting}件・{NO_SHOW_AFTER_MINUTES}分過ぎて未受付は未来院</span></>}
      actions={<LinkButton href="/reception/appointments" className="px-2 py-1 text-xs">予約表</LinkButton>}
    >
      {error && <ErrorBanner>{error}</ErrorBanner>}
      {notice && <NoticeBanner><span data-testid="appointment-notice">{notice}</span></NoticeBanner>}
      <table className="w-full text-sm">
        <thead className="text-left text-xs text-slate-500">
          <tr><th className="py-1">時刻</th><th>患者</th><th>目的</th><th>担当医</th><th>状態</th><th className="text-right">操作</th></tr>
        </thead>
        <tbody data-testid="today-appointments">
          {entries.map((a) => (
            <tr key={a.appointmentId} className="border-t border-slate-100" data-status={a.status}>
              <td className="py-1.5 font-mono">{a.time}</td>
              <td>
                <div className="font-medium">{a.patient.name}</div>
                <div className="text-xs text-slate-500">{a.patient.kana}・No.{a.patient.patientNumber}</div>
              </td>
              <td>{a.purpose}</td>
              <td>{a.doctorName ?? '−'}</td>
              <td>
                <Badge tone={TONE[a.status]}>{APPOINTMENT_STATUS_LABELS[a.status]}</Badge>
                {a.receptionNumber !== null && <span className="ml-1 text-xs text-slate-600">受付番号 {a.receptionNumber}</span>}
                <MoveNote appointment={a} />
                {a.orca && (
                  <span className="ml-1" title={a.orca.message ?? undefined} data-testid="appointment-orca-state">
                    <Badge tone={a.orca.state === 'failed' ? 'red' : a.orca.state === 'sent' || a.orca.state === 'cancelled' ? 'slate' : 'amber'}>{ORCA_APPOINTMENT_LABELS[a.orca.state]}</Badge>
                    {a.orca.state === 'sent' && a.orca.message && <span className="ml-1 text-xs text-amber-800">{a.orca.message}</span>}
                  </span>
                )}
              </td>
              <td className="space-x-1 text-right">
                {canCheckIn && (a.status === 'booked' || a.status === 'no_show') && (
                  <>
                    <Button disabled={pending} onClick={() => checkIn(a)}>受付</Button>
                    <Button variant="ghost" disabled={pending} onClick={() => setMoving(moving === a.appointmentId ? null : a.appointmentId)}>変更</Button>
                    <Button variant="ghost" disabled={pending} onClick={() => cancel(a)}>取消</Button>
                  </>
                )}
                {moving === a.appointmentId && (
                  <AppointmentMove
                    appointment={a}
                    doctors={doctors}
                    onCancel={() => setMoving(null)}
                    onMoved={(message) => {
                      setMoving(null);
                      setError(null);
                      setNotice(message);
                      void refresh();
                    }}
                  />
                )}
              </td>
            </tr>
          ))}
          {entries.length === 0 && <tr><td colSpan={6} className="py-4 text-center text-slate-500">本日の予約はありません。</td></tr>}
        </tbody>
      </table>
    </Card>
  );
}
