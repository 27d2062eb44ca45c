'use client';

import { useState, useTransition } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import type { ApiClientDto } from '@/lib/vendor-api/api-client.dto';
import { registerApiClientAction, revokeApiClientAction, rotateApiClientKeysAction } from '@/lib/vendor-api/api-client.actions';
import { SCOPE_CHOICES } from '@/lib/vendor-api/api-client.constants';
import { formatDateTimeJst } from '@/lib/core/dates';
import { Badge, Button, Card, ErrorBanner, Field, NoticeBanner, inputClass } from '@/components/ui/ui';

const when = (iso: string | null) => (iso ? formatDateTimeJst(new Date(iso)) : '—');

/** 外部連携アプリ: register a backend app (public keys + scopes), see its client_id and last use, revoke it. */
export function ApiClientAdmin({ apps }: { apps: ApiClientDto[] }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const [rotating, setRotating] = useState<string | null>(null);

  function register(form: FormData) {
    startTransition(async () => {
      setError(null);
      setNotice(null);
      const jwks = String(form.get('jwks') ?? '').trim();
      const jwksUrl = String(form.get('jwksUrl') ?? '').trim();
      const r = await registerApiClientAction({
        name: String(form.get('name') ?? ''),
        scopes: form.getAll('scopes').map(String),
        ...(jwks ? { jwks } : {}),
        ...(jwksUrl ? { jwksUrl } : {}),
      });
      if (!r.ok) {
        setError(r.error);
        setFieldErrors(r.fieldErrors ?? {});
        return;
      }
      setFieldErrors({});
      setNotice(`アプリを登録しました。client_id: ${r.data.clientId}（アプリの設定に入力してください）`);
      router.refresh();
    });
  }

  function rotate(app: ApiClientDto, form: FormData) {
    startTransition(async () => {
      setError(null);
      setNotice(null);
      const jwks = String(form.get('newJwks') ?? '').trim();
      const jwksUrl = String(form.get('newJwksUrl') ?? '').trim();
      const r = await rotateApiClientKeysAction({ clientId: app.clientId, ...(jwks ? { jwks } : {}), ...(jwksUrl ? { jwksUrl } : {}) });
      if (!r.ok) {
        setError(r.error);
        return;
      }
      setRotating(null);
      setNotice(`「${app.name}」の公開鍵を更新しました。古い鍵で署名した要求は今から受け付けません。`);
      router.refresh();
    });
  }

  function revoke(app: ApiClientDto) {
    if (!window.confirm(`「${app.name}」を利用停止します。このアプリは次のリクエストから API を使えなくなります。よろしいですか？`)) return;
    startTransition(async () => {
      const r = await revokeApiClientAction({ clientId: app.clientId });
      if (!r.ok) setError(r.error);
      else setNotice(`「${app.name}」を利用停止しました。`);
      router.refresh();
    });
  }

  return (
    <div className="flex flex-col gap-4">
      {error && <ErrorBanner>{error}</ErrorBanner>}
      {notice && (
        <NoticeBanner>
          <span data-testid="api-client-notice">{notice}</span>
        </NoticeBanner>
      )}
      <Card title="登録済みのアプリ">
        {apps.length === 0 ? (
          <p className="text-sm text-slate-500">登録されたアプリはありません。</p>
        ) : (
          <table className="w-full text-sm">
            <thead className="text-left text-xs text-slate-500">
              <tr>
                <th className="py-1">アプリ名</th>
                <th>client_id</th>
                <th>スコープ</th>
                <th>最終利用</th>
                <th>状態</th>
                <th className="text-right">操作</th>
              </tr>
            </thead>
            <tbody>
              {apps.map((app) => (
                <tr key={app.clientId} className="border-t border-slate-100 align-top">
                  <td className="min-w-[7rem] py-1.5">{app.name}</td>
                  <td className="font-mono text-xs">{app.clientId}</td>
                  <td className="font-mono text-xs">{app.scopes.join(' ')}</td>
                  <td>{when(app.lastUsedAt)}</td>
                  <td className="whitespace-nowrap">{app.status === 'active' ? <Badge tone="green">利用中</Badge> : <Badge tone="slate">停止（{when(app.revokedAt)}）</Badge>}</td>
                  <td className="text-right">
                    <Link href={`/admin/api-clients?app=${app.clientId}#calls`} className="mr-2 text-xs whitespace-nowrap text-teal-700 underline">
                      利用履歴
                    </Link>
                    {app.status === 'active' && (
                      <div className="flex justify-end gap-1 whitespace-nowrap">
                        <Button variant="secondary" disabled={pending} onClick={() => setRotating(rotating === app.clientId ? null : app.clientId)}>
                          鍵を更新
                        </Button>
                        <Button variant="secondary" disabled={pending} onClick={() => revoke(app)}>
                          利用停止
                        </Button>
                      </div>
                    )}
                    {rotating === app.clientId && (
                      <form
                        className="mt-2 flex flex-col gap-2 text-left"
                        onSubmit={(e) => {
                          e.preventDefault();
                          rotate(app, new FormData(e.currentTarget));
                        }}
                      >
                        <Field label="新しい公開鍵（JWKS、JSON）" htmlFor={`newJwks-${app.clientId}`} hint="古い鍵は更新した時点で使えなくなります。">
                          <textarea id={`newJwks-${app.clientId}`} name="newJwks" rows={4} className={`${inputClass} font-mono text-xs`} />
                        </Field>
                        <Field label="または JWKS URL" htmlFor={`newJwksUrl-${app.clientId}`}>
                          <input id={`newJwksUrl-${app.clientId}`} name="newJwksUrl" className={inputClass} />
                        </Field>
                        <div>
                          <Button type="submit" disabled={pending}>
                            更新する
                          </Button>
                        </div>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <Card title="アプリを登録">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            register(new FormData(e.currentTarget));
          }}
          className="flex flex-col gap-4"
        >
          <Field label="アプリ名" htmlFor="name" error={fieldErrors.name} required>
            <input id="name" name="name" className={inputClass} maxLength={100} />
          </Field>
          <fieldset className="flex flex-col gap-1 text-sm">
            <legend className="mb-1 text-sm font-medium">許可するスコープ</legend>
            {SCOPE_CHOICES.map((c) => (
              <label key={c.scope} className="flex items-center gap-2">
                <input type="checkbox" name="scopes" value={c.scope} /> {c.label} <span className="font-mono text-xs text-slate-500">{c.scope}</span>
              </label>
            ))}
            {fieldErrors.scopes && <p className="text-xs text-red-700">{fieldErrors.scopes}</p>}
          </fieldset>
          <Field label="公開鍵（JWKS、JSON）" htmlFor="jwks" error={fieldErrors.jwks} hint="RS384 または ES384 の公開鍵。秘密鍵はアプリ側で保管し、ここには入力しません。">
            <textarea id="jwks" name="jwks" rows={5} className={`${inputClass} font-mono text-xs`} />
          </Field>
          <Field label="または JWKS URL" htmlFor="jwksUrl" error={fieldErrors.jwksUrl} hint="https:// で公開している場合">
            <input id="jwksUrl" name="jwksUrl" className={inputClass} placeholder="https://vendor.example.jp/.well-known/jwks.json" />
          </Field>
          <div>
            <Button type="submit" disabled={pending}>
              登録
            </Button>
          </div>
        </form>
      </Card>
    </div>
  );
}
