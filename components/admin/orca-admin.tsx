'use client';

import Link from 'next/link';
import { useState, useTransition } from 'react';
import type { OrcaAdminDto, OrcaAttentionRowDto, OrcaConnectionCheckDto } from '@/lib/orca/orca-admin.dto';
import { checkOrcaConnectionAction, resendOrcaJobAction, saveOrcaSettingsAction } from '@/lib/orca/orca.actions';
import { ORCA_MEDICAL_INFORMATION_CODES, ORCA_MEDICAL_INFORMATION_LABELS, ORCA_NUMBERING_LABELS, ORCA_NUMBERING_MASTERS } from '@/lib/orca/orca.constants';
import type { OrcaCodeEntry } from '@/lib/orca/orca-port';
import { Badge, Button, Card, ErrorBanner, Field, NoticeBanner, inputClass } from '@/components/ui/ui';

const MODE_LABELS: Record<OrcaAdminDto['mode'], string> = {
  off: '連携しない（ORCA_MODE=off）',
  sandbox: '開発用サンドボックス（ORCA_MODE=sandbox）',
  http: 'ORCAサーバーに接続（ORCA_MODE=http）',
};

const time = (iso: string | null) =>
  iso ? new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(new Date(iso)) : '—';

/** A code field with ORCA's own list (after 接続確認) as suggestions. */
function CodeInput(props: { id: string; name: string; defaultValue: string; entries: OrcaCodeEntry[]; placeholder?: string }) {
  return (
    <>
      <input id={props.id} name={props.name} defaultValue={props.defaultValue} inputMode="numeric" maxLength={5} placeholder={props.placeholder} list={`${props.id}-list`} className={`${inputClass} w-28`} />
      <datalist id={`${props.id}-list`}>
        {props.entries.map((e) => (
          <option key={e.code} value={e.code}>{`${e.code} ${e.name}`}</option>
        ))}
      </datalist>
    </>
  );
}

function ConnectionCard({ view, onPhysicians }: { view: OrcaAdminDto; onPhysicians: (p: OrcaCodeEntry[]) => void }) {
  const [pending, startTransition] = useTransition();
  const [result, setResult] = useState<OrcaConnectionCheckDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const check = () =>
    startTransition(async () => {
      const r = await checkOrcaConnectionAction({});
      if (!r.ok) return setError(r.error);
      setError(null);
      setResult(r.data);
      if (r.data.ok) onPhysicians(r.data.physicians);
    });
  return (
    <Card title="接続">
      <dl className="grid grid-cols-[8rem_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-slate-500">接続方法</dt>
        <dd>{MODE_LABELS[view.mode]}</dd>
        {view.server && (
          <>
            <dt className="text-slate-500">接続先</dt>
            <dd className="break-all">{view.server}{view.weborca ? '（WebORCA）' : ''}</dd>
          </>
        )}
        <dt className="text-slate-500">データ形式</dt>
        <dd>{view.format === 'json' ? 'JSON' : 'XML'}</dd>
      </dl>
      <p className="mt-2 text-xs text-slate-600">接続先・ユーザID・パスワード・証明書はサーバーの環境設定（ORCA_URL など）で指定します。手順は docs/orca.md を参照してください。</p>
      <div className="mt-3 flex flex-col gap-2">
        <div>
          <Button type="button" variant="secondary" onClick={check} disabled={pending || view.mode === 'off'}>
            {pending ? '確認中…' : '接続確認'}
          </Button>
        </div>
        {error && <ErrorBanner>{error}</ErrorBanner>}
        {result && !result.ok && <ErrorBanner>接続できませんでした: {result.message}</ErrorBanner>}
        {result?.ok && (
          <NoticeBanner>
            <span data-testid="orca-connection-ok">
              ORCAに接続できました。ドクター {result.physicians.length}名・診療科 {result.departments.length}件（
              {result.physicians.map((p) => `${p.code} ${p.name}`).join('、')}）
            </span>
          </NoticeBanner>
        )}
      </div>
    </Card>
  );
}

function SettingsCard({ view, physicians }: { view: OrcaAdminDto; physicians: OrcaCodeEntry[] }) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const s = view.settings;
  function submit(form: FormData) {
    startTransition(async () => {
      const r = await saveOrcaSettingsAction({
        numberingMaster: String(form.get('numberingMaster')) as never,
        medicalInformation: String(form.get('medicalInformation')) as never,
        defaultPhysicianCode: String(form.get('defaultPhysicianCode') ?? '').trim(),
        physicianCodes: Object.fromEntries(view.doctors.map((d) => [d.id, String(form.get(`physician-${d.id}`) ?? '').trim()])),
        useOrcaAppointments: form.get('useOrcaAppointments') === 'on',
      });
      setSaved(r.ok);
      setError(r.ok ? null : r.error);
      setFieldErrors(r.ok ? {} : (r.fieldErrors ?? {}));
    });
  }
  const codeError = Object.entries(fieldErrors).find(([k]) => k.startsWith('physicianCodes'))?.[1];
  return (
    <Card title="この医療機関の連携設定">
      {!s.linked && (
        <p className="mb-3 text-sm text-slate-700">この医療機関はまだORCAと連携していません。設定を保存すると、受付・病名・診療行為の送信と会計の取得が始まります。</p>
      )}
      <form onSubmit={(e) => { e.preventDefault(); submit(new FormData(e.currentTarget)); }} className="flex flex-col gap-4" aria-label="ORCA連携の設定">
        {error && <ErrorBanner>{error}</ErrorBanner>}
        {saved && <NoticeBanner>保存しました。</NoticeBanner>}
        <fieldset className="flex flex-col gap-1 text-sm">
          <legend className="mb-1 font-semibold">患者番号</legend>
          {ORCA_NUMBERING_MASTERS.map((m) => (
            <label key={m} className="flex items-center gap-2">
              <input type="radio" name="numberingMaster" value={m} defaultChecked={s.numberingMaster === m} /> {ORCA_NUMBERING_LABELS[m]}
            </label>
          ))}
        </fieldset>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="useOrcaAppointments" defaultChecked={s.useOrcaAppointments} /> 予約をORCAでも管理する（電子カルテの予約・変更・取消をORCAに送る）
        </label>
        <Field label="受付で送る診療内容区分" htmlFor="orca-medical-information" error={fieldErrors.medicalInformation}>
          <select id="orca-medical-information" name="medicalInformation" defaultValue={s.medicalInformation} className={`${inputClass} w-56`}>
            {ORCA_MEDICAL_INFORMATION_CODES.map((c) => (
              <option key={c} value={c}>{ORCA_MEDICAL_INFORMATION_LABELS[c]}</option>
            ))}
          </select>
        </Field>
        <fieldset className="flex flex-col gap-2 text-sm">
          <legend className="mb-1 font-semibold">ドクターコード（ORCAのシステム管理「1010 職員情報」の番号）</legend>
          {codeError && <ErrorBanner>{codeError}</ErrorBanner>}
          <table className="w-full max-w-lg text-sm">
            <tbody>
              {view.doctors.map((d) => (
                <tr key={d.id}>
                  <td className="py-1 pr-4"><label htmlFor={`physician-${d.id}`}>{d.displayName}</label></td>
                  <td className="py-1">
                    <CodeInput id={`physician-${d.id}`} name={`physician-${d.id}`} defaultValue={s.physicianCodes[d.id] ?? ''} entries={physicians} placeholder="未設定" />
                  </td>
                </tr>
              ))}
              <tr>
                <td className="py-1 pr-4"><label htmlFor="orca-default-physician">担当医が未設定・未対応のとき</label></td>
                <td className="py-1">
                  <CodeInput id="orca-default-physician" name="defaultPhysicianCode" defaultValue={s.defaultPhysicianCode} entries={physicians} />
                </td>
              </tr>
            </tbody>
          </table>
          {fieldErrors.defaultPhysicianCode && <p className="text-xs text-red-700">{fieldErrors.defaultPhysicianCode}</p>}
          <p className="text-xs text-slate-600">「接続確認」をするとORCAに登録されたドクターの一覧から選べます。</p>
        </fieldset>
        <div>
          <Button type="submit" disabled={pending}>{s.linked ? '保存' : '連携を開始'}</Button>
        </div>
      </form>
    </Card>
  );
}

function AttentionRow({ row }: { row: OrcaAttentionRowDto }) {
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const resend = () =>
    startTransition(async () => {
      const r = await resendOrcaJobAction({ jobId: row.jobId });
      setDone(r.ok);
      setMessage(r.ok ? '再送に回しました。' : r.error);
    });
  return (
    <tr className="border-t border-slate-100 align-top" data-testid="orca-attention-row">
      <td className="px-2 py-1.5">
        {row.patient ? (
          <>
            <div>{row.patient.name}</div>
            <div className="text-xs text-slate-500">患者番号 {row.patient.patientNumber}</div>
          </>
        ) : (
          '—'
        )}
      </td>
      <td className="px-2 py-1.5">
        {row.queueLabel}
        {row.visitDate && <div className="text-xs text-slate-500">{row.visitDate.replaceAll('-', '/')}</div>}
      </td>
      <td className="px-2 py-1.5">{row.stopped ? <Badge tone="red">停止（要対応）</Badge> : <Badge tone="amber">再送待ち</Badge>}</td>
      <td className="max-w-md px-2 py-1.5 text-xs">
        {row.lastError ?? ''}
        <div className="text-slate-500">試行 {row.attempts}回{row.nextRunAt ? `・次回 ${time(row.nextRunAt)}` : ''}</div>
        {row.patient && <Link href={`/patients/${row.patient.id}/profile`} className="text-teal-800 underline">患者情報</Link>}
      </td>
      <td className="px-2 py-1.5 text-right">
        {!done && (
          <Button type="button" variant="secondary" onClick={resend} disabled={pending}>
            {row.stopped ? '再送' : '今すぐ再送'}
          </Button>
        )}
        {message && <p className="mt-1 text-xs" role="status">{message}</p>}
      </td>
    </tr>
  );
}

export function OrcaAdmin({ view }: { view: OrcaAdminDto }) {
  const [physicians, setPhysicians] = useState<OrcaCodeEntry[]>([]);
  return (
    <>
      <ConnectionCard view={view} onPhysicians={setPhysicians} />
      <SettingsCard view={view} physicians={physicians} />
      <Card title="要対応の送信">
        <p className="mb-2 text-xs text-slate-600">
          ORCAが受け付けなかった送信は止まります（要対応）。原因（患者情報・ドクターコードなど）を直してから「再送」してください。ORCAの停止や他端末使用中は自動で再送されます。
        </p>
        {view.attention.length === 0 ? (
          <p className="text-sm text-slate-600">対応が必要な送信はありません。</p>
        ) : (
          <div className="overflow-x-auto rounded border border-slate-200 bg-white">
            <table className="w-full text-sm" data-testid="orca-attention">
              <thead className="bg-slate-50 text-left text-xs text-slate-500">
                <tr>
                  <th className="px-2 py-1.5">患者</th>
                  <th className="px-2 py-1.5">送信内容</th>
                  <th className="px-2 py-1.5">状態</th>
                  <th className="px-2 py-1.5">理由</th>
                  <th className="px-2 py-1.5"><span className="sr-only">操作</span></th>
                </tr>
              </thead>
              <tbody>
                {view.attention.map((r) => (
                  <AttentionRow key={r.jobId} row={r} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}
