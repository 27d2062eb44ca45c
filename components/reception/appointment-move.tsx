'use client';

import { useState, useTransition } from 'react';
import type { AppointmentDto } from '@/lib/reception/appointment.service';
import { moveAppointmentAction } from '@/lib/reception/appointment.actions';
import { Button, cx, inputClass } from '@/components/ui/ui';

const fixed = inputClass.replace('w-full ', '');

/**
 * 予約変更 (issue 13): another date, time, doctor or purpose for a booked appointment. The server checks the 予約枠 of the new
 * place; the old appointment stays in the list as 変更済 with its time.
 */
export function AppointmentMove({
  appointment,
  doctors,
  onMoved,
  onCancel,
}: {
  /** a row of the 予約表 or of the patient's 次回予約 (the patient's name for the message) */
  appointment: Pick<AppointmentDto, 'appointmentId' | 'date' | 'time' | 'doctorId' | 'doctorName' | 'purpose'> & { patient: { name: string } };
  doctors: { id: string | null; name: string }[];
  onMoved: (message: string) => void;
  onCancel: () => void;
}) {
  const [date, setDate] = useState(appointment.date);
  const [time, setTime] = useState(appointment.time);
  const [doctorId, setDoctorId] = useState(appointment.doctorId ?? '');
  const [purpose, setPurpose] = useState(appointment.purpose);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [pending, startTransition] = useTransition();
  const options = doctors.some((d) => d.id === appointment.doctorId) || !appointment.doctorId
    ? doctors
    : [...doctors, { id: appointment.doctorId, name: appointment.doctorName ?? '（現在の担当医）' }];

  const submit = () =>
    startTransition(async () => {
      setError(null);
      const r = await moveAppointmentAction({ appointmentId: appointment.appointmentId, date, time, ...(doctorId ? { doctorId } : {}), ...(purpose.trim() !== appointment.purpose ? { purpose } : {}) });
      if (!r.ok) {
        setError(r.fieldErrors ? Object.values(r.fieldErrors)[0] ?? r.error : r.error);
        setFieldErrors(r.fieldErrors ?? {});
        return;
      }
      onMoved(`${appointment.patient.name}さんの予約を ${appointment.date.replaceAll('-', '/')} ${appointment.time} から ${date.replaceAll('-', '/')} ${time} に変更しました。`);
    });

  return (
    <form
      aria-label="予約の変更"
      className="mt-1 flex flex-wrap items-end gap-2 rounded border border-teal-200 bg-teal-50/50 p-2 text-left text-xs"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label className="flex flex-col">
        変更後の日付
        <input type="date" value={date} onChange={(e) => setDate(e.target.value)} className={cx(fixed, 'w-36 py-0.5')} aria-invalid={!!fieldErrors.date} />
      </label>
      <label className="flex flex-col">
        時刻
        <input type="time" value={time} onChange={(e) => setTime(e.target.value)} className={cx(fixed, 'w-24 py-0.5')} aria-invalid={!!fieldErrors.time} />
      </label>
      <label className="flex flex-col">
        担当医
        <select value={doctorId} onChange={(e) => setDoctorId(e.target.value)} className={cx(fixed, 'w-36 py-0.5')}>
          <option value="">指定なし</option>
          {options.filter((d) => d.id).map((d) => <option key={d.id} value={d.id!}>{d.name}</option>)}
        </select>
      </label>
      <label className="flex flex-col">
        目的
        <input value={purpose} onChange={(e) => setPurpose(e.target.value)} maxLength={100} className={cx(fixed, 'w-40 py-0.5')} aria-invalid={!!fieldErrors.purpose} />
      </label>
      <Button type="submit" className="px-2 py-1 text-xs" disabled={pending}>変更する</Button>
      <Button variant="ghost" className="px-2 py-1 text-xs" disabled={pending} onClick={onCancel}>やめる</Button>
      {error && <p role="alert" className="w-full text-red-700" data-testid="appointment-move-error">{error}</p>}
    </form>
  );
}

/** 変更前 / 変更後 of a moved appointment, so the old time stays readable. */
export function MoveNote({ appointment }: { appointment: Pick<AppointmentDto, 'movedFrom' | 'movedTo'> }) {
  const fmt = (s: string) => s.replaceAll('-', '/');
  if (appointment.movedTo) return <span className="text-xs text-slate-500" data-testid="appointment-moved-to">→ {fmt(appointment.movedTo)} に変更</span>;
  if (appointment.movedFrom) return <span className="text-xs text-slate-500" data-testid="appointment-moved-from">（変更前 {fmt(appointment.movedFrom)}）</span>;
  return null;
}
