'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { findLikelyDuplicatesAction, registerPatientAction, updatePatientAction } from '@/lib/records/patients/patient.actions';
import type { PatientDto } from '@/lib/records/patients/patient.dto';
import { Button, Card, ErrorBanner, Field, inputClass } from '@/components/ui/ui';

type Errors = Record<string, string>;

function text(form: FormData, name: string) {
  return String(form.get(name) ?? '').trim();
}

function buildInput(form: FormData) {
  const hasInsurance = ['insurerNumber', 'insuranceNumber', 'symbol'].some((k) => text(form, k));
  const hasPublic = text(form, 'payerNumber') || text(form, 'recipientNumber');
  return {
    familyName: text(form, 'familyName'),
    givenName: text(form, 'givenName'),
    familyNameKana: text(form, 'familyNameKana'),
    givenNameKana: text(form, 'givenNameKana'),
    sex: text(form, 'sex') as 'male',
    birthDate: text(form, 'birthDate'),
    postalCode: text(form, 'postalCode'),
    address: text(form, 'address'),
    phone: text(form, 'phone'),
    insurance: hasInsurance
      ? {
          insurerNumber: text(form, 'insurerNumber').normalize('NFKC'),
          symbol: text(form, 'symbol'),
          number: text(form, 'insuranceNumber'),
          branch: text(form, 'branch').normalize('NFKC'),
          relationship: (text(form, 'relationship') || 'self') as 'self',
          validFrom: text(form, 'validFrom'),
          validUntil: text(form, 'validUntil'),
        }
      : undefined,
    publicExpense: hasPublic
      ? {
          payerNumber: text(form, 'payerNumber').normalize('NFKC'),
          recipientNumber: text(form, 'recipientNumber').normalize('NFKC'),
          validFrom: text(form, 'peValidFrom'),
          validUntil: text(form, 'peValidUntil'),
        }
      : undefined,
  };
}

export function PatientForm({ patient, onSaved }: { patient?: PatientDto; onSaved?: (p: PatientDto) => void }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Errors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  // likely the same person, already registered: shown before a second chart is opened
  const [duplicates, setDuplicates] = useState<{ list: PatientDto[]; form: FormData } | null>(null);

  function submit(form: FormData, duplicateAcknowledged = false) {
    setMessage(null);
    startTransition(async () => {
      const input = buildInput(form);
      if (!patient && !duplicateAcknowledged && input.birthDate) {
        const found = await findLikelyDuplicatesAction({
          familyName: input.familyName, givenName: input.givenName, familyNameKana: input.familyNameKana,
          givenNameKana: input.givenNameKana, birthDate: input.birthDate, phone: input.phone,
        });
        if (found.ok && found.data.length) {
          setDuplicates({ list: found.data, form });
          return;
        }
      }
      setDuplicates(null);
      const result = patient
        ? await updatePatientAction({ ...input, patientId: patient.id, expectedVersion: patient.version, reason: text(form, 'reason') })
        : await registerPatientAction({ ...input, duplicateAcknowledged });
      if (!result.ok) {
        setErrors(result.fieldErrors ?? {});
        setMessage(result.error);
        return;
      }
      setErrors({});
      if (onSaved) onSaved(result.data);
      else router.push(`/patients/${result.data.id}`);
    });
  }

  const f = (name: string, label: string, opts: { required?: boolean; defaultValue?: string | null; type?: string; placeholder?: string; hint?: string; errorKey?: string; className?: string; inputMode?: 'numeric' } = {}) => {
    const key = opts.errorKey ?? name;
    return (
      <Field label={label} htmlFor={name} required={opts.required} error={errors[key]} hint={opts.hint} className={opts.className}>
        <input
          id={name}
          name={name}
          type={opts.type ?? 'text'}
          defaultValue={opts.defaultValue ?? ''}
          placeholder={opts.placeholder}
          inputMode={opts.inputMode}
          aria-invalid={Boolean(errors[key])}
          className={inputClass}
        />
      </Field>
    );
  };
  const ins = patient?.insurance;
  const pe = patient?.publicExpense;

  return (
    <form onSubmit={(e) => { e.preventDefault(); submit(new FormData(e.currentTarget)); }} className="flex flex-col gap-4" noValidate>
      {message && <ErrorBanner>{message}</ErrorBanner>}
      {duplicates && (
        <div role="alertdialog" aria-label="重複登録の確認" data-testid="duplicate-warning" className="rounded border-2 border-amber-400 bg-amber-50 p-3 text-sm">
          <p className="font-semibold text-amber-900">同じ人と思われる患者がすでに登録されています。既存の患者ではありませんか？</p>
          <ul className="my-2 flex flex-col gap-1">
            {duplicates.list.map((d) => (
              <li key={d.id} className="flex items-center gap-3">
                <span className="font-mono">No.{d.patientNumber}</span>
                <span className="font-medium">{d.fullName}</span>
                <span className="text-slate-600">{d.fullNameKana}</span>
                <span>{d.birthDate.replaceAll('-', '/')}</span>
                <span>{d.phone ?? ''}</span>
                <Button variant="secondary" onClick={() => (onSaved ? onSaved(d) : router.push(`/patients/${d.id}`))}>
                  {onSaved ? 'この患者で受付' : 'この患者を開く'}
                </Button>
              </li>
            ))}
          </ul>
          <div className="flex gap-2">
            <Button variant="ghost" onClick={() => setDuplicates(null)}>入力に戻る</Button>
            <Button onClick={() => submit(duplicates.form, true)} disabled={pending}>別の人として登録する</Button>
          </div>
        </div>
      )}
      <Card title="基本情報">
        <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
          {f('familyName', '氏（漢字）', { required: true, defaultValue: patient?.familyName })}
          {f('givenName', '名（漢字）', { required: true, defaultValue: patient?.givenName })}
          {f('familyNameKana', '氏（カナ）', { required: true, defaultValue: patient?.familyNameKana, placeholder: 'ヤマダ' })}
          {f('givenNameKana', '名（カナ）', { required: true, defaultValue: patient?.givenNameKana, placeholder: 'タロウ' })}
          <Field label="性別" htmlFor="sex" required error={errors.sex}>
            <select id="sex" name="sex" defaultValue={patient?.sex ?? ''} className={inputClass} aria-invalid={Boolean(errors.sex)}>
              <option value="">選択してください</option>
              <option value="male">男</option>
              <option value="female">女</option>
              <option value="other">その他</option>
              <option value="unknown">不明</option>
            </select>
          </Field>
          {f('birthDate', '生年月日', { required: true, type: 'date', defaultValue: patient?.birthDate })}
          {f('phone', '電話番号', { defaultValue: patient?.phone, placeholder: '03-1234-5678' })}
          {f('postalCode', '郵便番号', { defaultValue: patient?.postalCode, placeholder: '123-4567' })}
          {f('address', '住所', { defaultValue: patient?.address, className: 'col-span-2 md:col-span-4' })}
        </div>
      </Card>
      <Card title="医療保険">
        <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
          {f('insurerNumber', '保険者番号（8桁）', { defaultValue: ins?.insurerNumber, errorKey: 'insurance.insurerNumber', inputMode: 'numeric', hint: '国保の6桁番号は先頭に00' })}
          {f('symbol', '記号', { defaultValue: ins?.symbol, errorKey: 'insurance.symbol' })}
          {f('insuranceNumber', '番号', { defaultValue: ins?.number, errorKey: 'insurance.number' })}
          {f('branch', '枝番（2桁）', { defaultValue: ins?.branch, errorKey: 'insurance.branch', inputMode: 'numeric' })}
          <Field label="本人・家族" htmlFor="relationship" error={errors['insurance.relationship']}>
            <select id="relationship" name="relationship" defaultValue={ins?.relationship ?? 'self'} className={inputClass}>
              <option value="self">本人</option>
              <option value="family">家族</option>
            </select>
          </Field>
          {f('validFrom', '資格取得日', { type: 'date', defaultValue: ins?.validFrom, errorKey: 'insurance.validFrom' })}
          {f('validUntil', '有効期限', { type: 'date', defaultValue: ins?.validUntil, errorKey: 'insurance.validUntil' })}
        </div>
      </Card>
      <Card title="公費（任意）">
        <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
          {f('payerNumber', '公費負担者番号（8桁）', { defaultValue: pe?.payerNumber, errorKey: 'publicExpense.payerNumber', inputMode: 'numeric' })}
          {f('recipientNumber', '公費受給者番号（7桁）', { defaultValue: pe?.recipientNumber, errorKey: 'publicExpense.recipientNumber', inputMode: 'numeric' })}
          {f('peValidFrom', '開始日', { type: 'date', defaultValue: pe?.validFrom, errorKey: 'publicExpense.validFrom' })}
          {f('peValidUntil', '有効期限', { type: 'date', defaultValue: pe?.validUntil, errorKey: 'publicExpense.validUntil' })}
        </div>
      </Card>
      {patient && (
        <Card title="変更理由（任意）">
          {f('reason', '変更理由', { placeholder: '例: 保険証の更新' })}
        </Card>
      )}
      <div className="flex justify-end gap-2">
        <Button type="submit" disabled={pending}>
          {pending ? '保存中…' : patient ? '変更を保存' : '登録する'}
        </Button>
      </div>
    </form>
  );
}
