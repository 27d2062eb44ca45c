'use client';

import { useState, useTransition } from 'react';
import { updateClinicSettingsAction } from '@/lib/staff/staff.actions';
import { Button, ErrorBanner, Field, NoticeBanner, inputClass } from '@/components/ui/ui';

export function SettingsForm(props: { mfaRequired: boolean; idleTimeoutMinutes: number; autoPrintPrescription: boolean; prescribeByGenericDefault: boolean; hasBeds: boolean }) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  function submit(form: FormData) {
    startTransition(async () => {
      const r = await updateClinicSettingsAction({
        mfaRequired: form.get('mfaRequired') === 'on',
        idleTimeoutMinutes: Number(form.get('idleTimeoutMinutes')),
        autoPrintPrescription: form.get('autoPrintPrescription') === 'on',
        prescribeByGenericDefault: form.get('prescribeByGenericDefault') === 'on',
        hasBeds: form.get('hasBeds') === 'on',
      });
      setSaved(r.ok);
      setError(r.ok ? null : (Object.values(r.fieldErrors ?? {})[0] ?? r.error));
    });
  }
  return (
    <form onSubmit={(e) => { e.preventDefault(); submit(new FormData(e.currentTarget)); }} className="flex flex-col gap-4">
      {error && <ErrorBanner>{error}</ErrorBanner>}
      {saved && <NoticeBanner>保存しました。</NoticeBanner>}
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="mfaRequired" defaultChecked={props.mfaRequired} /> 全職員に二段階認証（認証アプリ）を必須にする
      </label>
      <Field label="無操作でログアウトするまでの時間（分、5〜30）" htmlFor="idleTimeoutMinutes">
        <input id="idleTimeoutMinutes" name="idleTimeoutMinutes" type="number" min={5} max={30} defaultValue={props.idleTimeoutMinutes} className={`${inputClass} w-32`} />
      </Field>
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 text-sm font-semibold">処方</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="autoPrintPrescription" defaultChecked={props.autoPrintPrescription} /> 処方確定後に処方箋の印刷を自動で開く
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="prescribeByGenericDefault" defaultChecked={props.prescribeByGenericDefault} /> 一般名処方コードのある薬品は一般名で処方する（既定）
        </label>
      </fieldset>
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 text-sm font-semibold">入院</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="hasBeds" defaultChecked={props.hasBeds} /> 有床診療所（カルテに入院の記録を表示し、入院登録・退院時サマリーの作成を行う）
        </label>
      </fieldset>
      <div>
        <Button type="submit" disabled={pending}>保存</Button>
      </div>
    </form>
  );
}
