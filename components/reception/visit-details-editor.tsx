'use client';

import { useState, useTransition } from 'react';
import type { QueueEntryDto } from '@/lib/reception/visit.service';
import { updateVisitDetailsAction } from '@/lib/reception/visit.actions';
import { Button, ErrorBanner } from '@/components/ui/ui';

const selectClass = 'rounded border border-slate-300 px-2 py-1 text-sm';

/** 受付の詳細 of a visit already checked in (診療科, 担当医, 初診/再診, 受付メモ), while not 完了/取消 (0060). */
export function VisitDetailsEditor(props: {
  visit: QueueEntryDto;
  doctors: { id: string; name: string }[];
  departments: { id: string; name: string }[];
  onDone: (message: string | null) => void;
}) {
  const v = props.visit;
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [departmentId, setDepartmentId] = useState(v.departmentId ?? '');
  const [doctorId, setDoctorId] = useState(v.doctorId ?? '');
  const [firstVisit, setFirstVisit] = useState(v.firstVisit === true ? 'first' : 'revisit');
  const [memo, setMemo] = useState(v.memo ?? '');

  const save = () =>
    startTransition(async () => {
      const r = await updateVisitDetailsAction({ visitId: v.visitId, departmentId: departmentId || null, doctorId: doctorId || null, firstVisit: firstVisit === 'first', memo });
      if (!r.ok) return setError(Object.values(r.fieldErrors ?? {})[0] ?? r.error);
      props.onDone(r.data.changed.length ? `受付番号 ${v.receptionNumber} ${v.patient.name}さんの受付内容を変更しました。` : null);
    });

  return (
    <form className="flex flex-wrap items-center gap-x-4 gap-y-2 bg-teal-50/40 p-2 text-sm" aria-label={`受付番号 ${v.receptionNumber} の受付内容`} onSubmit={(e) => { e.preventDefault(); save(); }}>
      {error && <div className="w-full"><ErrorBanner>{error}</ErrorBanner></div>}
      {props.departments.length > 0 && (
        <span className="flex items-center gap-2">
          <label htmlFor={`edit-department-${v.visitId}`} className="text-xs font-medium text-slate-700">診療科</label>
          <select id={`edit-department-${v.visitId}`} className={selectClass} value={departmentId} onChange={(e) => setDepartmentId(e.target.value)}>
            <option value="">指定なし</option>
            {props.departments.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
          </select>
        </span>
      )}
      <span className="flex items-center gap-2">
        <label htmlFor={`edit-doctor-${v.visitId}`} className="text-xs font-medium text-slate-700">担当医</label>
        <select id={`edit-doctor-${v.visitId}`} className={selectClass} value={doctorId} onChange={(e) => setDoctorId(e.target.value)}>
          <option value="">指定なし</option>
          {props.doctors.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
        </select>
      </span>
      <span className="flex items-center gap-2">
        <label htmlFor={`edit-first-${v.visitId}`} className="text-xs font-medium text-slate-700">初診・再診</label>
        <select id={`edit-first-${v.visitId}`} className={selectClass} value={firstVisit} onChange={(e) => setFirstVisit(e.target.value)}>
          <option value="first">初診</option>
          <option value="revisit">再診</option>
        </select>
      </span>
      <span className="flex grow items-center gap-2">
        <label htmlFor={`edit-memo-${v.visitId}`} className="text-xs font-medium text-slate-700">受付メモ</label>
        <input id={`edit-memo-${v.visitId}`} className="min-w-48 grow rounded border border-slate-300 px-2 py-1 text-sm" maxLength={200} value={memo} onChange={(e) => setMemo(e.target.value)} />
      </span>
      <span className="flex gap-2">
        <Button type="submit" disabled={pending}>保存</Button>
        <Button type="button" variant="ghost" onClick={() => props.onDone(null)}>やめる</Button>
      </span>
    </form>
  );
}
