'use client';

import { useEffect, useRef, useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { bookAppointmentAction, cancelAppointmentAction } from '@/lib/reception/appointment.actions';
import { listDaySlotsAction } from '@/lib/reception/appointment-slot.actions';
import type { DaySlotsDto } from '@/lib/reception/appointment-slot.constants';
import { Button, ErrorBanner, Field, NoticeBanner, inputClass } from '@/components/ui/ui';
import { openAndFocus, useChartCommand } from '@/components/chart/chart-commands';
import { AppointmentMove } from './appointment-move';

export type UpcomingAppointment = { appointmentId: string; date: string; time: string; purpose: string; doctorId: string | null; doctorName: string | null };

/** 'YYYY-MM-DD' in JST, days from today. */
function jstDate(daysFromToday: number): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo' }).format(new Date(Date.now() + daysFromToday * 86_400_000));
}

/** 次回予約 on the chart: the patient's upcoming appointments and a small form (button, Alt+Y or the palette). */
export function AppointmentBooking(props: {
  patientId: string;
  upcoming: UpcomingAppointment[];
  doctors: { id: string; name: string }[];
  /** preselected doctor: the signed-in doctor */
  defaultDoctorId: string | null;
  canWrite: boolean;
  /** for the 予約変更 message */
  patientName?: string;
}) {
  // 予約変更 (0060 addendum): the same form and checks as the 予約表's
  const [moving, setMoving] = useState<string | null>(null);
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const [date, setDate] = useState(() => jstDate(7));
  const [time, setTime] = useState('09:00');
  const [purpose, setPurpose] = useState('再診');
  const [doctorId, setDoctorId] = useState(props.defaultDoctorId ?? '');
  const dateRef = useRef<HTMLInputElement>(null);
  // 予約枠 of the chosen day and doctor (0060): null while loading or when the day has none
  const [slots, setSlots] = useState<DaySlotsDto | null>(null);

  useEffect(() => {
    if (!open || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return;
    let current = true;
    void listDaySlotsAction({ date, ...(doctorId ? { doctorId } : {}) }).then((r) => {
      if (!current) return;
      const day = r.ok && r.data.hasSlots ? r.data : null;
      setSlots(day);
      // keep the time when it is a free slot, else take the first free one
      if (day && !day.slots.some((s) => s.time === time && !s.full && !s.past)) setTime(day.slots.find((s) => !s.full && !s.past)?.time ?? '');
    });
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the time follows the day, not the other way round
  }, [open, date, doctorId]);

  useChartCommand(['book-appointment'], () => openAndFocus(() => setOpen(true), () => dateRef.current));

  const book = () =>
    startTransition(async () => {
      setError(null);
      setNotice(null);
      const r = await bookAppointmentAction({ patientId: props.patientId, date, time, purpose, ...(doctorId ? { doctorId } : {}) });
      if (!r.ok) {
        setError(r.error);
        setFieldErrors(r.fieldErrors ?? {});
        return;
      }
      setFieldErrors({});
      setOpen(false);
      setNotice(`${date.replaceAll('-', '/')} ${time} に予約しました。`);
      router.refresh();
    });

  const cancel = (a: UpcomingAppointment) => {
    if (!window.confirm(`${a.date.replaceAll('-', '/')} ${a.time}（${a.purpose}）の予約を取消しますか？`)) return;
    startTransition(async () => {
      setError(null);
      const r = await cancelAppointmentAction({ appointmentId: a.appointmentId });
      if (!r.ok) return setError(r.error);
      setNotice(`${a.date.replaceAll('-', '/')} ${a.time} の予約を取消しました。`);
      router.refresh();
    });
  };

  return (
    <div className="flex flex-col gap-2" data-testid="appointment-panel">
      {error && <ErrorBanner>{error}</ErrorBanner>}
      {notice && <NoticeBanner><span data-testid="appointment-notice">{notice}</span></NoticeBanner>}
      {props.upcoming.length === 0 ? (
        <p className="text-sm text-slate-500">予約はありません。</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm" data-testid="appointment-upcoming">
          {props.upcoming.map((a) => (
            <li key={a.appointmentId} className="flex flex-wrap items-center gap-2 py-1">
              <span className="font-mono">{a.date.replaceAll('-', '/')} {a.time}</span>
              <span>{a.purpose}</span>
              {a.doctorName && <span className="text-xs text-slate-500">担当医: {a.doctorName}</span>}
              {props.canWrite && <Button variant="ghost" className="ml-auto px-2 py-0.5 text-xs" disabled={pending} onClick={() => setMoving(moving === a.appointmentId ? null : a.appointmentId)}>変更</Button>}
              {props.canWrite && <Button variant="ghost" className="px-2 py-0.5 text-xs" disabled={pending} onClick={() => cancel(a)}>取消</Button>}
              {moving === a.appointmentId && (
                <AppointmentMove
                  appointment={{ ...a, patient: { name: props.patientName ?? '' } }}
                  doctors={props.doctors}
                  onCancel={() => setMoving(null)}
                  onMoved={(message) => {
                    setMoving(null);
                    setError(null);
                    setNotice(message);
                    router.refresh();
                  }}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      {props.canWrite && !open && (
        <div>
          <Button variant="secondary" className="px-2 py-1 text-xs" onClick={() => openAndFocus(() => setOpen(true), () => dateRef.current)} title="Alt+Y">
            次回予約 <kbd className="text-[10px] text-slate-500">Alt+Y</kbd>
          </Button>
        </div>
      )}
      {props.canWrite && open && (
        <form
          className="grid grid-cols-2 gap-2 rounded border border-slate-200 p-2"
          aria-label="次回予約"
          // no implicit submission by Enter: the palette's Enter that opened the form would book it with the defaults
          onSubmit={(e) => e.preventDefault()}
        >
          <Field label="予約日" htmlFor="appointment-date" error={fieldErrors.date} required>
            <input ref={dateRef} id="appointment-date" type="date" className={inputClass} value={date} min={jstDate(0)} onChange={(e) => setDate(e.target.value)} aria-invalid={!!fieldErrors.date} />
          </Field>
          {slots ? (
            <Field label="予約枠" htmlFor="appointment-slot" error={fieldErrors.time} required>
              <select id="appointment-slot" className={inputClass} value={time} onChange={(e) => setTime(e.target.value)} aria-invalid={!!fieldErrors.time}>
                {!slots.slots.some((s) => s.time === time) && <option value="">枠を選んでください</option>}
                {slots.slots.map((s) => (
                  <option key={s.time} value={s.time} disabled={s.full || s.past}>
                    {s.time}（{s.full ? '満員' : s.past ? '受付終了' : `空き ${s.capacity - s.booked}`}）
                  </option>
                ))}
              </select>
            </Field>
          ) : (
            <Field label="時刻" htmlFor="appointment-time" error={fieldErrors.time} required>
              <input id="appointment-time" type="time" className={inputClass} value={time} onChange={(e) => setTime(e.target.value)} aria-invalid={!!fieldErrors.time} />
            </Field>
          )}
          <Field label="目的" htmlFor="appointment-purpose" error={fieldErrors.purpose} required>
            <input id="appointment-purpose" className={inputClass} maxLength={100} value={purpose} onChange={(e) => setPurpose(e.target.value)} aria-invalid={!!fieldErrors.purpose} placeholder="例: 再診・採血" />
          </Field>
          <Field label="担当医" htmlFor="appointment-doctor" error={fieldErrors.doctorId}>
            <select id="appointment-doctor" className={inputClass} value={doctorId} onChange={(e) => setDoctorId(e.target.value)}>
              <option value="">指定なし</option>
              {props.doctors.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
            </select>
          </Field>
          <div className="col-span-2 flex justify-end gap-2">
            <Button type="button" variant="ghost" onClick={() => setOpen(false)}>閉じる</Button>
            <Button type="button" disabled={pending} onClick={book}>予約する</Button>
          </div>
        </form>
      )}
    </div>
  );
}
