'use client';

import { useState, useTransition } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import type { AppointmentDto, ScheduleColumnDto, ScheduleDto } from '@/lib/reception/appointment.service';
import { APPOINTMENT_STATUS_LABELS, NO_SHOW_AFTER_MINUTES, type AppointmentDisplayStatus } from '@/lib/reception/appointment.constants';
import { checkInAppointmentAction } from '@/lib/reception/appointment.actions';
import { Badge, Button, Card, ErrorBanner, LinkButton, NoticeBanner } from '@/components/ui/ui';
import { AppointmentMove, MoveNote } from './appointment-move';

const TONE: Record<AppointmentDisplayStatus, 'blue' | 'green' | 'slate' | 'red'> = { booked: 'blue', checked_in: 'green', cancelled: 'slate', moved: 'slate', no_show: 'red' };

const href = (date: string, view: 'day' | 'week') => `/reception/appointments?date=${date}&view=${view}`;

function Counts({ column }: { column: ScheduleColumnDto }) {
  return (
    <span className="text-xs font-normal text-slate-600" data-testid="schedule-counts">
      予約 {column.booked}
      {column.free !== null && <>・空き {column.free}</>}
      {column.noShow > 0 && <span className="text-red-700">・未来院 {column.noShow}</span>}
    </span>
  );
}

/** 予約表: navigation by day and week, a column per doctor, 受付 of today's booked patients through the ordinary check-in. */
export function AppointmentSchedule({ schedule, canCheckIn }: { schedule: ScheduleDto; canCheckIn: boolean }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const { view } = schedule;

  const checkIn = (a: AppointmentDto) =>
    startTransition(async () => {
      setError(null);
      setNotice(null);
      const r = await checkInAppointmentAction({ appointmentId: a.appointmentId });
      if (!r.ok) setError(r.error);
      else setNotice(`${a.patient.name}さんを受付しました（受付番号 ${r.data.receptionNumber}）。`);
      router.refresh();
    });

  return (
    <div className="flex flex-col gap-3">
      <nav className="flex flex-wrap items-center gap-2" aria-label="予約表の表示">
        <LinkButton href={href(schedule.previous, view)}>{view === 'day' ? '前日' : '前週'}</LinkButton>
        <LinkButton href={href(schedule.today, view)}>今日</LinkButton>
        <LinkButton href={href(schedule.next, view)}>{view === 'day' ? '翌日' : '翌週'}</LinkButton>
        <form action="/reception/appointments" className="flex items-center gap-1">
          <label htmlFor="schedule-date" className="sr-only">日付</label>
          <input id="schedule-date" name="date" type="date" defaultValue={schedule.date} className="rounded border border-slate-300 px-2 py-1 text-sm" />
          <input type="hidden" name="view" value={view} />
          <Button type="submit" variant="secondary">表示</Button>
        </form>
        <span className="ml-2 font-semibold" data-testid="schedule-label">{schedule.label}</span>
        <span className="ml-auto inline-flex overflow-hidden rounded border border-slate-300 text-sm" role="group" aria-label="日・週の切り替え">
          <Link href={href(schedule.date, 'day')} className={`px-3 py-1 ${view === 'day' ? 'bg-teal-700 text-white' : 'bg-white'}`} aria-current={view === 'day' ? 'page' : undefined}>日</Link>
          <Link href={href(schedule.date, 'week')} className={`px-3 py-1 ${view === 'week' ? 'bg-teal-700 text-white' : 'bg-white'}`} aria-current={view === 'week' ? 'page' : undefined}>週</Link>
        </span>
      </nav>
      <p className="text-xs text-slate-500">予約時刻を{NO_SHOW_AFTER_MINUTES}分過ぎて受付のない予約は「未来院」と表示します。予約の追加・取消は患者の画面の「次回予約」から、日時・担当医の変更は「変更」（日・週の予約表と患者の画面）から行います（変更前の予約は「変更済」として残ります）。</p>
      {error && <ErrorBanner>{error}</ErrorBanner>}
      {notice && <NoticeBanner><span data-testid="schedule-notice">{notice}</span></NoticeBanner>}
      {view === 'day' ? (
        <DayView
          schedule={schedule}
          canCheckIn={canCheckIn}
          pending={pending}
          onCheckIn={checkIn}
          onMoved={(message) => {
            setError(null);
            setNotice(message);
            router.refresh();
          }}
        />
      ) : (
        <WeekView
          schedule={schedule}
          canMove={canCheckIn}
          pending={pending}
          onMoved={(message) => {
            setError(null);
            setNotice(message);
            router.refresh();
          }}
        />
      )}
    </div>
  );
}

function DayView({ schedule, canCheckIn, pending, onCheckIn, onMoved }: { schedule: ScheduleDto; canCheckIn: boolean; pending: boolean; onCheckIn: (a: AppointmentDto) => void; onMoved: (message: string) => void }) {
  const day = schedule.days[0]!;
  const [moving, setMoving] = useState<string | null>(null);
  const doctors = day.columns.filter((c) => c.doctorId).map((c) => ({ id: c.doctorId, name: c.doctorName ?? '' }));
  // 医師指定なし only when it has something
  const columns = day.columns.filter((c) => c.doctorId !== null || c.entries.length > 0 || c.slots.length > 0);
  const times = [...new Set(columns.flatMap((c) => [...c.slots.map((s) => s.time), ...c.entries.map((e) => e.time)]))].sort();
  return (
    <Card>
      <div className="overflow-x-auto">
        <table className="w-full border-collapse text-sm" aria-label={`予約表 ${day.date}`}>
          <thead>
            <tr className="text-left">
              <th className="w-16 border-b py-1 text-xs text-slate-500">時刻</th>
              {columns.map((c) => (
                <th key={c.doctorId ?? 'none'} className="border-b px-2 py-1" data-testid="schedule-column" data-doctor={c.doctorName}>
                  <div>{c.doctorName}</div>
                  <Counts column={c} />
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {times.map((time) => (
              <tr key={time} className="align-top">
                <td className="border-b py-1 font-mono text-xs">{time}</td>
                {columns.map((c) => {
                  const slot = c.slots.find((s) => s.time === time);
                  const entries = c.entries.filter((e) => e.time === time);
                  return (
                    <td key={c.doctorId ?? 'none'} className={`border-b px-2 py-1 ${slot ? (slot.full ? 'bg-slate-50' : 'bg-teal-50/40') : ''}`} data-testid="schedule-cell" data-time={time} data-doctor={c.doctorName}>
                      {entries.map((a) => (
                        <div key={a.appointmentId} className={`flex flex-wrap items-center gap-1 py-0.5 ${a.status === 'cancelled' || a.status === 'moved' ? 'text-slate-400' : ''} ${a.status === 'cancelled' ? 'line-through' : ''}`} data-testid="schedule-entry" data-status={a.status}>
                          <Link href={`/patients/${a.patient.id}/profile`} className="font-medium text-teal-800 underline-offset-2 hover:underline">{a.patient.name}</Link>
                          <span className="text-xs text-slate-500">No.{a.patient.patientNumber}</span>
                          <span className="text-xs">{a.purpose}</span>
                          <Badge tone={TONE[a.status]}>{APPOINTMENT_STATUS_LABELS[a.status]}</Badge>
                          {a.receptionNumber !== null && <span className="text-xs text-slate-600">受付番号 {a.receptionNumber}</span>}
                          <MoveNote appointment={a} />
                          {canCheckIn && day.isToday && (a.status === 'booked' || a.status === 'no_show') && (
                            <Button className="px-2 py-0.5 text-xs" disabled={pending} onClick={() => onCheckIn(a)}>受付</Button>
                          )}
                          {canCheckIn && (a.status === 'booked' || a.status === 'no_show') && (
                            <Button variant="ghost" className="px-2 py-0.5 text-xs" disabled={pending} onClick={() => setMoving(moving === a.appointmentId ? null : a.appointmentId)}>変更</Button>
                          )}
                          {moving === a.appointmentId && (
                            <AppointmentMove
                              appointment={a}
                              doctors={doctors}
                              onCancel={() => setMoving(null)}
                              onMoved={(message) => {
                                setMoving(null);
                                onMoved(message);
                              }}
                            />
                          )}
                        </div>
                      ))}
                      {slot && <div className="text-xs text-slate-500">{slot.full ? '満員' : `空き ${slot.capacity - slot.booked}/${slot.capacity}`}</div>}
                    </td>
                  );
                })}
              </tr>
            ))}
            {times.length === 0 && (
              <tr>
                <td colSpan={columns.length + 1} className="py-4 text-center text-slate-500">この日の予約・予約枠はありません。</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

/** The week: counts per doctor and day, and each booked patient with 予約変更 (the same form and checks as the day view). */
function WeekView({ schedule, canMove, pending, onMoved }: { schedule: ScheduleDto; canMove: boolean; pending: boolean; onMoved: (message: string) => void }) {
  const doctors = schedule.days[0]!.columns.map((c) => ({ doctorId: c.doctorId, doctorName: c.doctorName }));
  const doctorOptions = doctors.filter((d) => d.doctorId).map((d) => ({ id: d.doctorId, name: d.doctorName ?? '' }));
  const [moving, setMoving] = useState<string | null>(null);
  return (
    <Card>
      <div className="overflow-x-auto">
        <table className="w-full border-collapse text-sm" aria-label="週の予約表">
          <thead>
            <tr className="text-left">
              <th className="border-b py-1 text-xs text-slate-500">担当医</th>
              {schedule.days.map((d) => (
                <th key={d.date} className={`border-b px-2 py-1 ${d.isToday ? 'bg-amber-50' : ''}`}>
                  <Link href={href(d.date, 'day')} className="text-teal-800 hover:underline">{d.label}</Link>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {doctors.map((doc, i) => (
              <tr key={doc.doctorId ?? 'none'} className="align-top">
                <th className="border-b py-1 pr-2 text-left font-medium">{doc.doctorName}</th>
                {schedule.days.map((d) => {
                  const c = d.columns[i]!;
                  const empty = c.entries.length === 0 && c.slots.length === 0;
                  return (
                    <td key={d.date} className={`border-b px-2 py-1 ${d.isToday ? 'bg-amber-50' : ''}`} data-testid="week-cell" data-date={d.date} data-doctor={doc.doctorName}>
                      {empty ? (
                        <span className="text-xs text-slate-400">−</span>
                      ) : (
                        <>
                          <Link href={href(d.date, 'day')} className="block hover:underline">
                            <Counts column={c} />
                          </Link>
                          <ul className="mt-0.5 flex flex-col gap-0.5 text-xs">
                            {c.entries
                              .filter((a) => a.status === 'booked' || a.status === 'no_show')
                              .map((a) => (
                                <li key={a.appointmentId} data-testid="week-entry">
                                  <span className="font-mono">{a.time}</span> {a.patient.name}
                                  {a.status === 'no_show' && <span className="ml-1 text-red-700">未来院</span>}
                                  {canMove && (
                                    <Button variant="ghost" className="ml-1 px-1 py-0 text-xs" disabled={pending} onClick={() => setMoving(moving === a.appointmentId ? null : a.appointmentId)} aria-label={`${a.patient.name}さんの予約を変更`}>
                                      変更
                                    </Button>
                                  )}
                                  {moving === a.appointmentId && (
                                    <AppointmentMove
                                      appointment={a}
                                      doctors={doctorOptions}
                                      onCancel={() => setMoving(null)}
                                      onMoved={(message) => {
                                        setMoving(null);
                                        onMoved(message);
                                      }}
                                    />
                                  )}
                                </li>
                              ))}
                          </ul>
                        </>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

