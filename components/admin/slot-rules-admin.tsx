'use client';

import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { WEEKDAY_LABELS, type SlotRuleDto } from '@/lib/reception/appointment-slot.constants';
import { addSlotRuleAction, removeSlotRuleAction } from '@/lib/reception/appointment-slot.actions';
import { Button, ErrorBanner, Field, NoticeBanner, inputClass } from '@/components/ui/ui';

/** 予約枠: slots per weekday and doctor (docs/decisions/0060). */
export function SlotRulesAdmin({ rules, doctors }: { rules: SlotRuleDto[]; doctors: { id: string; name: string }[] }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [weekday, setWeekday] = useState('1');
  const [doctorId, setDoctorId] = useState('');
  const [startTime, setStartTime] = useState('09:00');
  const [endTime, setEndTime] = useState('12:00');
  const [slotMinutes, setSlotMinutes] = useState('30');
  const [capacity, setCapacity] = useState('2');
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);

  function add() {
    startTransition(async () => {
      setNotice(null);
      const r = await addSlotRuleAction({ weekday: Number(weekday), ...(doctorId ? { doctorId } : {}), startTime, endTime, slotMinutes: Number(slotMinutes), capacity: Number(capacity) });
      if (!r.ok) {
        setError(r.error);
        setFieldErrors(r.fieldErrors ?? {});
        return;
      }
      setError(null);
      setFieldErrors({});
      setNotice(`${r.data.weekdayLabel}曜 ${r.data.startTime}〜${r.data.endTime} の予約枠（${r.data.slotCount}枠）を追加しました。`);
      router.refresh();
    });
  }
  function remove(rule: SlotRuleDto) {
    if (!window.confirm(`${rule.weekdayLabel}曜 ${rule.startTime}〜${rule.endTime}（${rule.doctorName ?? '医師指定なし'}）の予約枠を削除しますか？予約済みの予約は残ります。`)) return;
    startTransition(async () => {
      const r = await removeSlotRuleAction({ ruleId: rule.ruleId });
      if (!r.ok) return setError(r.error);
      setError(null);
      setNotice(`${rule.weekdayLabel}曜 ${rule.startTime}〜${rule.endTime} の予約枠を削除しました。`);
      router.refresh();
    });
  }

  return (
    <div className="flex flex-col gap-4">
      {error && <ErrorBanner>{error}</ErrorBanner>}
      {notice && <NoticeBanner><span data-testid="slot-notice">{notice}</span></NoticeBanner>}
      <form className="grid grid-cols-3 gap-3 rounded border border-teal-200 bg-teal-50/30 p-3" aria-label="予約枠の追加" onSubmit={(e) => { e.preventDefault(); add(); }}>
        <Field label="曜日" htmlFor="slot-weekday" error={fieldErrors.weekday} required>
          <select id="slot-weekday" className={inputClass} value={weekday} onChange={(e) => setWeekday(e.target.value)}>
            {WEEKDAY_LABELS.map((l, i) => <option key={l} value={i}>{l}曜</option>)}
          </select>
        </Field>
        <Field label="担当医" htmlFor="slot-doctor" error={fieldErrors.doctorId}>
          <select id="slot-doctor" className={inputClass} value={doctorId} onChange={(e) => setDoctorId(e.target.value)}>
            <option value="">医師指定なし</option>
            {doctors.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
          </select>
        </Field>
        <div />
        <Field label="開始時刻" htmlFor="slot-start" error={fieldErrors.startTime} required>
          <input id="slot-start" type="time" className={inputClass} value={startTime} onChange={(e) => setStartTime(e.target.value)} />
        </Field>
        <Field label="終了時刻" htmlFor="slot-end" error={fieldErrors.endTime} required>
          <input id="slot-end" type="time" className={inputClass} value={endTime} onChange={(e) => setEndTime(e.target.value)} />
        </Field>
        <div />
        <Field label="1枠の長さ（分）" htmlFor="slot-minutes" error={fieldErrors.slotMinutes} required>
          <input id="slot-minutes" type="number" min={5} max={240} step={5} className={inputClass} value={slotMinutes} onChange={(e) => setSlotMinutes(e.target.value)} />
        </Field>
        <Field label="1枠の人数" htmlFor="slot-capacity" error={fieldErrors.capacity} required>
          <input id="slot-capacity" type="number" min={1} max={50} className={inputClass} value={capacity} onChange={(e) => setCapacity(e.target.value)} />
        </Field>
        <div className="flex items-end">
          <Button type="submit" disabled={pending}>枠を追加</Button>
        </div>
      </form>
      <table className="w-full text-sm" aria-label="設定済みの予約枠">
        <thead>
          <tr className="border-b text-left text-xs text-slate-500">
            <th className="py-1">曜日</th>
            <th>担当医</th>
            <th>時間</th>
            <th>1枠</th>
            <th>人数</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rules.length === 0 && (
            <tr>
              <td colSpan={6} className="py-2 text-slate-500">予約枠は設定されていません（予約は時刻を自由に入力します）。</td>
            </tr>
          )}
          {rules.map((r) => (
            <tr key={r.ruleId} className="border-b">
              <td className="py-1">{r.weekdayLabel}曜</td>
              <td>{r.doctorName ?? '医師指定なし'}</td>
              <td className="font-mono">{r.startTime}〜{r.endTime}</td>
              <td>{r.slotMinutes}分（{r.slotCount}枠）</td>
              <td>{r.capacity}人</td>
              <td className="text-right">
                <Button variant="ghost" disabled={pending} onClick={() => remove(r)}>削除</Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
