'use client';

/**
 * 入院 in the chart (有床診療所, issue 11, docs/decisions/0087): the current stay (入院中, n日目) with 退院登録, the
 * earlier stays (退院済 / 取消) with 「退院時サマリーを作成」, 版歴 and 取消 (with a reason), and 入院登録 when the
 * patient is not in hospital. Diagnoses are chosen from the patient's own 傷病名; 転帰 from the IG's codes.
 */
import Link from 'next/link';
import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { admitPatientAction, cancelAdmissionAction, dischargePatientAction, reviseAdmissionAction } from '@/lib/records/admissions/admission.actions';
import type { AdmissionDiagnosisChoiceDto, AdmissionDto, AdmissionPanelDto } from '@/lib/records/admissions/admission.dto';
import { DISCHARGE_OUTCOMES } from '@/lib/records/documents/document.constants';
import { Badge, Button, ErrorBanner, Field, LinkButton, NoticeBanner, inputClass } from '@/components/ui/ui';

const slash = (iso: string) => iso.replaceAll('-', '/');
const TONES = { admitted: 'teal', discharged: 'green', entered_in_error: 'slate' } as const;

type Can = { write: boolean; cancel: boolean; summary: boolean };

export function AdmissionWorkspace({ patientId, panel, can, defaultDoctorId }: { patientId: string; panel: AdmissionPanelDto; can: Can; defaultDoctorId: string | null }) {
  const router = useRouter();
  const [notice, setNotice] = useState<string | null>(null);
  const [admitting, setAdmitting] = useState(false);
  const current = panel.admissions.find((a) => a.status === 'admitted') ?? null;
  const others = panel.admissions.filter((a) => a !== current);
  const done = (message: string) => {
    setNotice(message);
    setAdmitting(false);
    router.refresh();
  };
  return (
    <div className="flex flex-col gap-3" data-testid="admission-panel">
      {notice && <NoticeBanner>{notice}</NoticeBanner>}
      {current ? (
        <CurrentStay patientId={patientId} admission={current} panel={panel} can={can} onDone={done} />
      ) : panel.admissions.length === 0 ? (
        <p className="text-sm text-slate-500">入院歴はありません。</p>
      ) : null}
      {!current && can.write && !admitting && (
        <div>
          <Button variant="secondary" className="px-2 py-1 text-xs" onClick={() => { setNotice(null); setAdmitting(true); }}>
            ＋ 入院登録
          </Button>
        </div>
      )}
      {!current && can.write && admitting && (
        <AdmitForm patientId={patientId} panel={panel} defaultDoctorId={defaultDoctorId} onClose={() => setAdmitting(false)} onDone={done} />
      )}
      {others.length > 0 && (
        <ul className="divide-y divide-slate-100 text-sm" aria-label="入院歴">
          {others.map((a) => (
            <PastStay key={a.id} patientId={patientId} admission={a} panel={panel} can={can} onDone={done} />
          ))}
        </ul>
      )}
    </div>
  );
}

function Diagnoses({ label, items }: { label: string; items: { lineageId: string; name: string }[] }) {
  if (!items.length) return null;
  return (
    <div className="text-xs text-slate-700">
      <span className="text-slate-500">{label}：</span>
      {items.map((d) => d.name).join('、')}
    </div>
  );
}

function CurrentStay({ patientId, admission: a, panel, can, onDone }: { patientId: string; admission: AdmissionDto; panel: AdmissionPanelDto; can: Can; onDone: (m: string) => void }) {
  const [discharging, setDischarging] = useState(false);
  const [revising, setRevising] = useState(false);
  return (
    <div className="rounded border border-teal-200 bg-teal-50/40 p-3 text-sm" data-testid="admission-current">
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone="teal">{a.statusLabel}</Badge>
        <span className="font-medium">
          {slash(a.admittedOn)} 入院・{a.days}日目
        </span>
        {a.ward && <span className="text-slate-600">{a.ward}</span>}
        <span className="ml-auto text-xs text-slate-500">担当医 {a.attendingDoctorName ?? ''}</span>
      </div>
      <div className="mt-1 whitespace-pre-wrap text-slate-800">{a.reason}</div>
      <Diagnoses label="入院時診断" items={a.admissionDiagnoses} />
      <div className="mt-2 flex flex-wrap items-center gap-2">
        {can.write && !discharging && !revising && (
          <Button className="px-2 py-1 text-xs" onClick={() => setDischarging(true)}>
            退院登録
          </Button>
        )}
        {can.write && !discharging && !revising && (
          <button type="button" className="text-xs text-teal-800 hover:underline" onClick={() => setRevising(true)}>
            修正
          </button>
        )}
        {can.summary && (
          <LinkButton href={`/patients/${patientId}/documents/new?kind=discharge_summary&admissionId=${a.id}`} className="px-2 py-1 text-xs">
            退院時サマリーを作成
          </LinkButton>
        )}
        <Link href={`/patients/${patientId}/admissions/${a.lineageId}`} className="text-xs text-teal-800 hover:underline">
          版歴（第{a.version}版）
        </Link>
        {can.cancel && <CancelButton admission={a} onDone={onDone} />}
      </div>
      {discharging && <DischargeForm admission={a} panel={panel} onClose={() => setDischarging(false)} onDone={onDone} />}
      {revising && <ReviseForm admission={a} panel={panel} onClose={() => setRevising(false)} onDone={onDone} />}
    </div>
  );
}

function PastStay({ patientId, admission: a, panel, can, onDone }: { patientId: string; admission: AdmissionDto; panel: AdmissionPanelDto; can: Can; onDone: (m: string) => void }) {
  const cancelled = a.status === 'entered_in_error';
  const [revising, setRevising] = useState(false);
  return (
    <li className="flex flex-col gap-0.5 py-1.5" data-testid="admission-past">
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={TONES[a.status]}>{a.statusLabel}</Badge>
        <span className={cancelled ? 'text-slate-500 line-through' : ''}>
          {slash(a.admittedOn)}〜{a.dischargedOn ? slash(a.dischargedOn) : ''}（{a.days}日）
        </span>
        {a.outcomeLabel && <span className="text-xs text-slate-600">転帰 {a.outcomeLabel}</span>}
        {a.destination && <span className="text-xs text-slate-600">退院先 {a.destination}</span>}
        <span className="ml-auto flex items-center gap-2">
          {!cancelled && can.summary && a.status === 'discharged' && (
            <LinkButton href={`/patients/${patientId}/documents/new?kind=discharge_summary&admissionId=${a.id}`} className="px-2 py-0.5 text-xs">
              退院時サマリーを作成
            </LinkButton>
          )}
          <Link href={`/patients/${patientId}/admissions/${a.lineageId}`} className="text-xs text-teal-800 hover:underline">
            版歴
          </Link>
          {!cancelled && can.write && !revising && (
            <button type="button" className="text-xs text-teal-800 hover:underline" onClick={() => setRevising(true)}>
              修正
            </button>
          )}
          {!cancelled && can.cancel && <CancelButton admission={a} onDone={onDone} />}
        </span>
      </div>
      {!cancelled && <Diagnoses label="退院時診断" items={a.dischargeDiagnoses} />}
      {revising && <ReviseForm admission={a} panel={panel} onClose={() => setRevising(false)} onDone={onDone} />}
      {cancelled && a.changeReason && <div className="text-xs text-slate-500">取消の理由：{a.changeReason}</div>}
    </li>
  );
}

function DiagnosisChoices({ legend, name, choices, chosen, onChange, error }: { legend: string; name: string; choices: AdmissionDiagnosisChoiceDto[]; chosen: string[]; onChange: (ids: string[]) => void; error?: string }) {
  return (
    <fieldset className="flex flex-col gap-1">
      <legend className="text-xs font-medium text-slate-700">{legend}</legend>
      {choices.length === 0 && <p className="text-xs text-slate-500">登録された傷病名はありません。</p>}
      {choices.map((d) => (
        <label key={d.lineageId} className="flex items-center gap-1 text-sm">
          <input
            type="checkbox"
            name={name}
            value={d.lineageId}
            checked={chosen.includes(d.lineageId)}
            onChange={(e) => onChange(e.target.checked ? [...chosen, d.lineageId] : chosen.filter((x) => x !== d.lineageId))}
          />
          {d.name}
          {d.isPrimary && <span className="text-xs text-teal-800">（主病名）</span>}
          {!d.active && <span className="text-xs text-slate-500">（転帰あり）</span>}
        </label>
      ))}
      {error && <p className="text-xs text-red-600">{error}</p>}
    </fieldset>
  );
}

function AdmitForm({ patientId, panel, defaultDoctorId, onClose, onDone }: { patientId: string; panel: AdmissionPanelDto; defaultDoctorId: string | null; onClose: () => void; onDone: (m: string) => void }) {
  const [admittedOn, setAdmittedOn] = useState(panel.today);
  const [reason, setReason] = useState('');
  const [diagnosisIds, setDiagnosisIds] = useState<string[]>(panel.diagnoses.filter((d) => d.isPrimary && d.active).map((d) => d.lineageId));
  const [doctorId, setDoctorId] = useState(defaultDoctorId ?? panel.doctors[0]?.id ?? '');
  const [ward, setWard] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [pending, startTransition] = useTransition();
  const submit = () =>
    startTransition(async () => {
      setError(null);
      const r = await admitPatientAction({ patientId, admittedOn, reason, admissionDiagnosisIds: diagnosisIds, attendingDoctorId: doctorId, ward });
      if (!r.ok) {
        setError(r.error);
        setFieldErrors(r.fieldErrors ?? {});
        return;
      }
      onDone(`${slash(r.data.admittedOn)} の入院を登録しました。`);
    });
  return (
    <form
      aria-label="入院登録"
      noValidate
      className="flex flex-col gap-2 rounded border border-teal-200 bg-teal-50/40 p-3"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {error && <ErrorBanner>{error}</ErrorBanner>}
      <div className="grid gap-2 md:grid-cols-3">
        <Field label="入院日" htmlFor="adm-admittedOn" error={fieldErrors.admittedOn} required>
          <input id="adm-admittedOn" type="date" className={inputClass} value={admittedOn} max={panel.today} onChange={(e) => setAdmittedOn(e.target.value)} />
        </Field>
        <Field label="担当医" htmlFor="adm-doctor" error={fieldErrors.attendingDoctorId} required>
          <select id="adm-doctor" className={inputClass} value={doctorId} onChange={(e) => setDoctorId(e.target.value)}>
            {panel.doctors.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="病室・病棟" htmlFor="adm-ward" error={fieldErrors.ward}>
          <input id="adm-ward" className={inputClass} value={ward} maxLength={60} onChange={(e) => setWard(e.target.value)} placeholder="例: 2階 201号室" />
        </Field>
      </div>
      <Field label="入院理由" htmlFor="adm-reason" error={fieldErrors.reason} required>
        <textarea id="adm-reason" rows={2} className={inputClass} value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
      <DiagnosisChoices legend="入院時診断" name="admissionDiagnosisIds" choices={panel.diagnoses} chosen={diagnosisIds} onChange={setDiagnosisIds} error={fieldErrors.admissionDiagnosisIds} />
      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>
          入院を登録
        </Button>
        <Button type="button" variant="secondary" onClick={onClose}>
          閉じる
        </Button>
      </div>
    </form>
  );
}

function DischargeForm({ admission, panel, onClose, onDone }: { admission: AdmissionDto; panel: AdmissionPanelDto; onClose: () => void; onDone: (m: string) => void }) {
  const [dischargedOn, setDischargedOn] = useState(panel.today);
  const [diagnosisIds, setDiagnosisIds] = useState<string[]>(admission.admissionDiagnoses.map((d) => d.lineageId).filter((id) => panel.diagnoses.some((c) => c.lineageId === id)));
  const [outcome, setOutcome] = useState('');
  const [destination, setDestination] = useState('自宅');
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [pending, startTransition] = useTransition();
  const submit = () =>
    startTransition(async () => {
      setError(null);
      const r = await dischargePatientAction({ admissionId: admission.id, dischargedOn, dischargeDiagnosisIds: diagnosisIds, outcome: outcome as never, destination });
      if (!r.ok) {
        setError(r.error);
        setFieldErrors(r.fieldErrors ?? {});
        return;
      }
      onDone(`${slash(r.data.dischargedOn ?? '')} の退院を登録しました（入院 ${r.data.days}日）。`);
    });
  return (
    <form
      aria-label="退院登録"
      noValidate
      className="mt-2 flex flex-col gap-2 rounded border border-slate-200 bg-white p-3"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {error && <ErrorBanner>{error}</ErrorBanner>}
      <div className="grid gap-2 md:grid-cols-3">
        <Field label="退院日" htmlFor="adm-dischargedOn" error={fieldErrors.dischargedOn} required>
          <input id="adm-dischargedOn" type="date" className={inputClass} value={dischargedOn} min={admission.admittedOn} max={panel.today} onChange={(e) => setDischargedOn(e.target.value)} />
        </Field>
        <Field label="退院時転帰" htmlFor="adm-outcome" error={fieldErrors.outcome} required>
          <select id="adm-outcome" className={inputClass} value={outcome} onChange={(e) => setOutcome(e.target.value)}>
            <option value="">選択してください</option>
            {Object.entries(DISCHARGE_OUTCOMES).map(([code, label]) => (
              <option key={code} value={code}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="退院先" htmlFor="adm-destination" error={fieldErrors.destination}>
          <input id="adm-destination" className={inputClass} value={destination} maxLength={200} onChange={(e) => setDestination(e.target.value)} />
        </Field>
      </div>
      <DiagnosisChoices legend="退院時診断" name="dischargeDiagnosisIds" choices={panel.diagnoses} chosen={diagnosisIds} onChange={setDiagnosisIds} error={fieldErrors.dischargeDiagnosisIds} />
      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>
          退院を登録
        </Button>
        <Button type="button" variant="secondary" onClick={onClose}>
          閉じる
        </Button>
      </div>
    </form>
  );
}

/** 修正: every field as it should read, with the reason (a new version; 退院済 keeps its discharge fields editable). */
function ReviseForm({ admission: a, panel, onClose, onDone }: { admission: AdmissionDto; panel: AdmissionPanelDto; onClose: () => void; onDone: (m: string) => void }) {
  const discharged = a.status === 'discharged';
  const offered = (ids: { lineageId: string }[]) => ids.map((d) => d.lineageId);
  const choices = [
    ...panel.diagnoses,
    // a diagnosis the admission names that is no longer current stays choosable (the service allows it)
    ...[...a.admissionDiagnoses, ...a.dischargeDiagnoses]
      .filter((d, i, all) => !panel.diagnoses.some((c) => c.lineageId === d.lineageId) && all.findIndex((x) => x.lineageId === d.lineageId) === i)
      .map((d) => ({ lineageId: d.lineageId, name: d.name, isPrimary: false, active: false })),
  ];
  const [admittedOn, setAdmittedOn] = useState(a.admittedOn);
  const [reason, setReason] = useState(a.reason);
  const [admissionDiagnosisIds, setAdmissionDiagnosisIds] = useState(offered(a.admissionDiagnoses));
  const [doctorId, setDoctorId] = useState(a.attendingDoctorId);
  const [ward, setWard] = useState(a.ward ?? '');
  const [dischargedOn, setDischargedOn] = useState(a.dischargedOn ?? '');
  const [dischargeDiagnosisIds, setDischargeDiagnosisIds] = useState(offered(a.dischargeDiagnoses));
  const [outcome, setOutcome] = useState<string>(a.outcome ?? '');
  const [destination, setDestination] = useState(a.destination ?? '');
  const [changeReason, setChangeReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [pending, startTransition] = useTransition();
  const doctors = panel.doctors.some((d) => d.id === a.attendingDoctorId) ? panel.doctors : [{ id: a.attendingDoctorId, name: a.attendingDoctorName ?? '（無効な職員）' }, ...panel.doctors];
  const id = (k: string) => `adm-rev-${a.id}-${k}`;
  const submit = () =>
    startTransition(async () => {
      setError(null);
      const r = await reviseAdmissionAction({
        admissionId: a.id,
        admittedOn,
        reason,
        admissionDiagnosisIds,
        attendingDoctorId: doctorId,
        ward,
        dischargedOn: discharged ? dischargedOn : '',
        dischargeDiagnosisIds: discharged ? dischargeDiagnosisIds : [],
        outcome: (discharged ? outcome : '') as never,
        destination: discharged ? destination : '',
        changeReason,
      });
      if (!r.ok) {
        setError(r.error);
        setFieldErrors(r.fieldErrors ?? {});
        return;
      }
      onDone(`入院記録を修正しました（第${r.data.version}版）。`);
    });
  return (
    <form
      aria-label="入院記録の修正"
      noValidate
      className="mt-2 flex flex-col gap-2 rounded border border-slate-200 bg-white p-3"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {error && <ErrorBanner>{error}</ErrorBanner>}
      <div className="grid gap-2 md:grid-cols-3">
        <Field label="入院日" htmlFor={id('admittedOn')} error={fieldErrors.admittedOn} required>
          <input id={id('admittedOn')} type="date" className={inputClass} value={admittedOn} onChange={(e) => setAdmittedOn(e.target.value)} />
        </Field>
        <Field label="担当医" htmlFor={id('doctor')} error={fieldErrors.attendingDoctorId} required>
          <select id={id('doctor')} className={inputClass} value={doctorId} onChange={(e) => setDoctorId(e.target.value)}>
            {doctors.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="病室・病棟" htmlFor={id('ward')} error={fieldErrors.ward}>
          <input id={id('ward')} className={inputClass} value={ward} maxLength={60} onChange={(e) => setWard(e.target.value)} />
        </Field>
      </div>
      <Field label="入院理由" htmlFor={id('reason')} error={fieldErrors.reason} required>
        <textarea id={id('reason')} rows={2} className={inputClass} value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
      <DiagnosisChoices legend="入院時診断" name="admissionDiagnosisIds" choices={choices} chosen={admissionDiagnosisIds} onChange={setAdmissionDiagnosisIds} error={fieldErrors.admissionDiagnosisIds} />
      {discharged && (
        <>
          <div className="grid gap-2 md:grid-cols-3">
            <Field label="退院日" htmlFor={id('dischargedOn')} error={fieldErrors.dischargedOn} required>
              <input id={id('dischargedOn')} type="date" className={inputClass} value={dischargedOn} onChange={(e) => setDischargedOn(e.target.value)} />
            </Field>
            <Field label="退院時転帰" htmlFor={id('outcome')} error={fieldErrors.outcome} required>
              <select id={id('outcome')} className={inputClass} value={outcome} onChange={(e) => setOutcome(e.target.value)}>
                <option value="">選択してください</option>
                {Object.entries(DISCHARGE_OUTCOMES).map(([code, label]) => (
                  <option key={code} value={code}>
                    {label}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="退院先" htmlFor={id('destination')} error={fieldErrors.destination}>
              <input id={id('destination')} className={inputClass} value={destination} maxLength={200} onChange={(e) => setDestination(e.target.value)} />
            </Field>
          </div>
          <DiagnosisChoices legend="退院時診断" name="dischargeDiagnosisIds" choices={choices} chosen={dischargeDiagnosisIds} onChange={setDischargeDiagnosisIds} error={fieldErrors.dischargeDiagnosisIds} />
        </>
      )}
      <Field label="修正理由" htmlFor={id('changeReason')} error={fieldErrors.changeReason} required>
        <input id={id('changeReason')} className={inputClass} value={changeReason} maxLength={200} onChange={(e) => setChangeReason(e.target.value)} />
      </Field>
      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>
          修正を保存
        </Button>
        <Button type="button" variant="secondary" onClick={onClose}>
          閉じる
        </Button>
      </div>
    </form>
  );
}

function CancelButton({ admission, onDone }: { admission: AdmissionDto; onDone: (m: string) => void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  if (!open) {
    return (
      <button type="button" className="text-xs text-red-700 hover:underline" onClick={() => setOpen(true)}>
        取消
      </button>
    );
  }
  return (
    <form
      aria-label="入院の取消"
      className="flex w-full flex-wrap items-center gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        startTransition(async () => {
          const r = await cancelAdmissionAction({ admissionId: admission.id, reason });
          if (!r.ok) {
            setError(r.fieldErrors?.reason ?? r.error);
            return;
          }
          onDone('入院記録を取り消しました。');
        });
      }}
    >
      <label htmlFor={`adm-cancel-${admission.id}`} className="text-xs text-slate-700">
        取消の理由
      </label>
      <input id={`adm-cancel-${admission.id}`} className={`${inputClass} max-w-xs`} value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} />
      <Button type="submit" variant="danger" disabled={pending} className="px-2 py-1 text-xs">
        取り消す
      </Button>
      <Button type="button" variant="secondary" className="px-2 py-1 text-xs" onClick={() => setOpen(false)}>
        やめる
      </Button>
      {error && <span className="text-xs text-red-600">{error}</span>}
    </form>
  );
}
