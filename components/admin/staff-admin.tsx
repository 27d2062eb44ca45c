'use client';

import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import type { StaffDto } from '@/lib/staff/staff.service';
import { createStaffAction, resetStaffMfaAction, resetStaffPasswordAction, setStaffDisabledAction, setStaffRoleAction } from '@/lib/staff/staff.actions';
import { CLINIC_ROLES, ROLE_LABELS } from '@/lib/permissions/permissions';
import { LICENSE_TYPE_LABELS, LICENSE_TYPES } from '@/lib/staff/staff.constants';
import { Badge, Button, Card, ErrorBanner, Field, NoticeBanner, inputClass } from '@/components/ui/ui';

export function StaffAdmin({ staff, currentUserId, loginDomain }: { staff: StaffDto[]; currentUserId: string; loginDomain: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);

  const run = (fn: () => Promise<{ ok: boolean; error?: string; fieldErrors?: Record<string, string> } & Record<string, unknown>>, success: (r: any) => string) =>
    startTransition(async () => {
      setError(null);
      setNotice(null);
      const r = await fn();
      if (!r.ok) {
        setError(r.error ?? 'エラーが発生しました。');
        setFieldErrors(r.fieldErrors ?? {});
        return;
      }
      setFieldErrors({});
      setNotice(success(r));
      router.refresh();
    });

  function create(form: FormData) {
    run(
      () =>
        createStaffAction({
          loginId: String(form.get('loginId') ?? ''),
          displayName: String(form.get('displayName') ?? ''),
          displayNameKana: String(form.get('displayNameKana') ?? ''),
          role: String(form.get('role') ?? '') as 'doctor',
          licenseNumber: String(form.get('licenseNumber') ?? ''),
          licenseType: String(form.get('licenseType') ?? ''),
        }),
      (r) => `職員を登録しました。ログインID: ${r.data.loginId} 仮パスワード: ${r.data.temporaryPassword}（初回ログイン時に変更が必要です。この画面を閉じると再表示できません）`,
    );
  }

  return (
    <div className="flex flex-col gap-4">
      {error && <ErrorBanner>{error}</ErrorBanner>}
      {notice && <NoticeBanner><span data-testid="staff-notice">{notice}</span></NoticeBanner>}
      <Card title="職員一覧">
        <table className="w-full text-sm">
          <thead className="text-left text-xs text-slate-500">
            <tr>
              <th className="py-1">ログインID</th>
              <th>氏名</th>
              <th>職種</th>
              <th>状態</th>
              <th className="text-right">操作</th>
            </tr>
          </thead>
          <tbody>
            {staff.map((s) => (
              <tr key={s.id} className="border-t border-slate-100">
                <td className="py-1.5 font-mono text-xs">{s.loginId}</td>
                <td>{s.displayName}</td>
                <td>
                  {s.role === 'operator' ? <span className="text-xs">{ROLE_LABELS.operator}</span> : <select
                    aria-label={`${s.displayName}の職種`}
                    className="rounded border border-slate-300 px-1 py-0.5 text-xs"
                    value={s.role}
                    disabled={pending || s.disabled}
                    onChange={(e) => {
                      const role = e.target.value as (typeof CLINIC_ROLES)[number];
                      // a role decides what the person may see and do, and signs them out everywhere: ask first
                      if (!window.confirm(`${s.displayName}さんの職種を「${ROLE_LABELS[s.role]}」から「${ROLE_LABELS[role]}」に変更しますか？（ログイン中の端末はすべてログアウトされます）`)) return;
                      run(() => setStaffRoleAction({ userId: s.id, role }), () => `${s.displayName}さんの職種を変更しました。`);
                    }}
                  >
                    {CLINIC_ROLES.map((r) => (
                      <option key={r} value={r}>
                        {ROLE_LABELS[r]}
                      </option>
                    ))}
                  </select>}
                </td>
                <td className="space-x-1">
                  {s.disabled ? <Badge tone="red">無効</Badge> : <Badge tone="green">有効</Badge>}
                  {s.mfaEnabled ? <Badge tone="teal">二段階認証</Badge> : <Badge>二段階認証なし</Badge>}
                  {s.mustChangePassword && <Badge tone="amber">パスワード変更待ち</Badge>}
                </td>
                <td className="space-x-1 py-1 text-right">
                  <Button variant="secondary" disabled={pending} onClick={() => run(() => resetStaffPasswordAction({ userId: s.id }), (r) => `${s.displayName}さんの仮パスワード: ${r.data.temporaryPassword}`)}>
                    パスワード再発行
                  </Button>
                  {s.mfaEnabled && (
                    <Button variant="secondary" disabled={pending} onClick={() => run(() => resetStaffMfaAction({ userId: s.id }), () => `${s.displayName}さんの二段階認証をリセットしました。次回ログイン時に再登録します。`)}>
                      二段階認証リセット
                    </Button>
                  )}
                  {s.id !== currentUserId && (
                    <Button
                      variant={s.disabled ? 'secondary' : 'danger'}
                      disabled={pending}
                      onClick={() => {
                        if (!s.disabled && !window.confirm(`${s.displayName}さんを無効にしますか？（ログインできなくなり、ログイン中の端末はすべてログアウトされます。後で有効に戻せます）`)) return;
                        run(() => setStaffDisabledAction({ userId: s.id, disabled: !s.disabled }), () => `${s.displayName}さんを${s.disabled ? '有効' : '無効'}にしました。`);
                      }}
                    >
                      {s.disabled ? '有効にする' : '無効にする'}
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title="職員の追加">
        <form onSubmit={(e) => { e.preventDefault(); create(new FormData(e.currentTarget)); }} className="grid grid-cols-2 gap-3 md:grid-cols-5">
          <Field label="ログインID" htmlFor="loginId" required error={fieldErrors.loginId} hint={`「名前@${loginDomain}」になります`}>
            <input id="loginId" name="loginId" className={inputClass} placeholder={`tanaka@${loginDomain}`} />
          </Field>
          <Field label="氏名" htmlFor="displayName" required error={fieldErrors.displayName}>
            <input id="displayName" name="displayName" className={inputClass} />
          </Field>
          <Field label="氏名カナ" htmlFor="displayNameKana" error={fieldErrors.displayNameKana}>
            <input id="displayNameKana" name="displayNameKana" className={inputClass} />
          </Field>
          <Field label="職種" htmlFor="role" required error={fieldErrors.role}>
            <select id="role" name="role" className={inputClass} defaultValue="">
              <option value="">選択してください</option>
              {CLINIC_ROLES.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </select>
          </Field>
          <Field label="医籍登録番号など" htmlFor="licenseNumber" error={fieldErrors.licenseNumber}>
            <input id="licenseNumber" name="licenseNumber" className={inputClass} />
          </Field>
          <Field label="番号の種類" htmlFor="licenseType" error={fieldErrors.licenseType}>
            <select id="licenseType" name="licenseType" className={inputClass} defaultValue="">
              <option value="">（なし）</option>
              {LICENSE_TYPES.map((t) => (
                <option key={t} value={t}>
                  {LICENSE_TYPE_LABELS[t]}
                </option>
              ))}
            </select>
          </Field>
          <div className="col-span-2 flex justify-end md:col-span-5">
            <Button type="submit" disabled={pending}>
              登録して仮パスワードを発行
            </Button>
          </div>
        </form>
      </Card>
    </div>
  );
}
