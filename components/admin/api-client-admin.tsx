'use client';

import { useState, useTransition } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import type { ApiClientDto } from '@/lib/vendor-api/api-client.dto';
import { registerApiClientAction, revokeApiClientAction, rotateApiClientKeysAction, rotateApiClientSecretAction } from '@/lib/vendor-api/api-client.actions';
import { SCOPE_CHOICES } from '@/lib/vendor-api/api-client.constants';
import { formatDateTimeJst } from '@/lib/core/dates';
import { Badge, Button, Card, ErrorBanner, Field, NoticeBanner, inputClass } from '@/components/ui/ui';

const when = (iso: string | null) => (iso ? formatDateTimeJst(new Date(iso)) : '—');

const KEY_SOURCE_LABEL: Record<ApiClientDto['keySource'], string> = { jwks: '公開鍵', jwks_url: '公開鍵（URL）', client_secret: 'シークレット' };

/** A client secret shown this once, with a copy button; it is never shown again (only its hash is kept). */
function SecretOnce({ appName, clientId, secret, onDone }: { appName: string; clientId: string; secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div role="alert" className="rounded border-2 border-amber-400 bg-amber-50 p-3 text-sm" data-testid="client-secret-once">
      <p className="font-medium">「{appName}」のクライアントシークレット（この画面でだけ表示します）</p>
      <p className="mt-1 text-xs text-slate-700">
        アプリの設定に client_id とともに入力してください。閉じると二度と表示できません。分からなくなったときは「シークレットを再発行」してください。
      </p>
      <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
        <dt className="text-xs text-slate-500">client_id</dt>
        <dd className="font-mono text-xs break-all">{clientId}</dd>
        <dt className="text-xs text-slate-500">client_secret</dt>
        <dd className="font-mono text-xs break-all" data-testid="client-secret-value">
          {secret}
        </dd>
      </dl>
      <div className="mt-2 flex gap-2">
        <Button
          variant="secondary"
          onClick={() => {
            void navigator.clipboard?.writeText(secret).then(() => setCopied(true));
          }}
        >
          {copied ? 'コピーしました' : 'シークレットをコピー'}
        </Button>
        <Button onClick={onDone}>控えたので閉じる</Button>
      </div>
    </div>
  );
}

/**
 * 外部連携アプリ: register a backend app (public keys, or a client secret shown once, + scopes), see its client_id and
 * last use, rotate its keys or secret, revoke it.
 */
export function ApiClientAdmin({ apps }: { apps: ApiClientDto[] }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const [rotating, setRotating] = useState<string | null>(null);
  const [method, setMethod] = useState<'keys' | 'secret'>('keys');
  const [secretShown, setSecretShown] = useState<{ appName: string; clientId: string; secret: string } | null>(null);

  function register(form: FormData) {
    startTransition(async () => {
      setError(null);
      setNotice(null);
      setSecretShown(null);
      const jwks = String(form.get('jwks') ?? '').trim();
      const jwksUrl = String(form.get('jwksUrl') ?? '').trim();
      const r = await registerApiClientAction({
        name: String(form.get('name') ?? ''),
        scopes: form.getAll('scopes').map(String),
        ...(method === 'secret' ? { issueClientSecret: true } : { ...(jwks ? { jwks } : {}), ...(jwksUrl ? { jwksUrl } : {}) }),
      });
      if (!r.ok) {
        setError(r.error);
        setFieldErrors(r.fieldErrors ?? {});
        return;
      }
      setFieldErrors({});
      if (r.data.clientSecret) setSecretShown({ appName: r.data.name, clientId: r.data.clientId, secret: r.data.clientSecret });
      else setNotice(`アプリを登録しました。client_id: ${r.data.clientId}（アプリの設定に入力してください）`);
      router.refresh();
    });
  }

  function rotateSecret(app: ApiClientDto) {
    if (!window.confirm(`「${app.name}」のクライアントシークレットを再発行します。今のシークレットは直ちに使えなくなります。よろしいですか？`)) return;
    startTransition(async () => {
      setError(null);
      setNotice(null);
      const r = await rotateApiClientSecretAction({ clientId: app.clientId });
      if (!r.ok) {
        setError(r.error);
        return;
      }
      if (r.data.clientSecret) setSecretShown({ appName: app.name, clientId: app.clientId, secret: r.data.clientSecret });
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
      {secretShown && <SecretOnce {...secretShown} onDone={() => setSecretShown(null)} />}
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
                <th className="whitespace-nowrap">認証</th>
                <th className="whitespace-nowrap">最終利用</th>
                <th className="whitespace-nowrap">状態</th>
                <th className="text-right">操作</th>
              </tr>
            </thead>
            <tbody>
              {apps.map((app) => (
                <tr key={app.clientId} className="border-t border-slate-100 align-top">
                  <td className="min-w-[7rem] py-1.5">{app.name}</td>
                  <td className="font-mono text-xs">{app.clientId}</td>
                  <td className="font-mono text-xs">{app.scopes.join(' ')}</td>
                  <td className="text-xs whitespace-nowrap">{KEY_SOURCE_LABEL[app.keySource]}</td>
                  <td>{when(app.lastUsedAt)}</td>
                  <td className="whitespace-nowrap">{app.status === 'active' ? <Badge tone="green">利用中</Badge> : <Badge tone="slate">停止（{when(app.revokedAt)}）</Badge>}</td>
                  <td className="text-right">
                    <Link href={`/admin/api-clients?app=${app.clientId}#calls`} className="mr-2 text-xs whitespace-nowrap text-teal-700 underline">
                      利用履歴
                    </Link>
                    {app.status === 'active' && (
                      <div className="flex justify-end gap-1 whitespace-nowrap">
                        {app.keySource === 'client_secret' ? (
                          <Button variant="secondary" disabled={pending} onClick={() => rotateSecret(app)}>
                            シークレットを再発行
                          </Button>
                        ) : (
                          <Button variant="secondary" disabled={pending} onClick={() => setRotating(rotating === app.clientId ? null : app.clientId)}>
                            鍵を更新
                          </Button>
                        )}
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
          <fieldset className="flex flex-col gap-1 text-sm">
            <legend className="mb-1 text-sm font-medium">アプリの認証方式</legend>
            <label className="flex items-center gap-2">
              <input type="radio" name="method" value="keys" checked={method === 'keys'} onChange={() => setMethod('keys')} /> 公開鍵（推奨。SMART Backend
              Services の private_key_jwt）
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name="method" value="secret" checked={method === 'secret'} onChange={() => setMethod('secret')} />{' '}
              クライアントシークレット（署名ができないアプリ向け。登録時に一度だけ表示します）
            </label>
          </fieldset>
          {method === 'keys' ? (
            <>
              <Field label="公開鍵（JWKS、JSON）" htmlFor="jwks" error={fieldErrors.jwks} hint="RS384 または ES384 の公開鍵。秘密鍵はアプリ側で保管し、ここには入力しません。">
                <textarea id="jwks" name="jwks" rows={5} className={`${inputClass} font-mono text-xs`} />
              </Field>
              <Field label="または JWKS URL" htmlFor="jwksUrl" error={fieldErrors.jwksUrl} hint="https:// で公開している場合">
                <input id="jwksUrl" name="jwksUrl" className={inputClass} placeholder="https://vendor.example.jp/.well-known/jwks.json" />
              </Field>
            </>
          ) : (
            <p className="text-xs text-slate-600">
              登録すると client_id とクライアントシークレットを表示します。シークレットは当院では保存せず（ハッシュ値のみ保存）、再表示できません。
            </p>
          )}
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
