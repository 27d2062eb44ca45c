import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getActor } from '@/lib/auth/actor';
import { LoginForm } from './login-form';

export const metadata: Metadata = { title: 'ログイン' };

/** Why the user is back at the login page (set by the page that sent them here). */
const REASONS = {
  idle: '一定時間操作がなかったため、ログアウトしました。',
  ended: 'ログインの有効期限が切れたか、別の端末でログアウトされました。もう一度ログインしてください。',
  password_changed: 'パスワードを変更しました。新しいパスワードでログインしてください。',
} as const;

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ reason?: string }> }) {
  if (await getActor()) redirect('/');
  const { reason } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-100 p-4">
      <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow">
        <h1 className="mb-1 text-center text-xl font-bold text-teal-800">Karte 電子カルテ</h1>
        <p className="mb-6 text-center text-xs text-slate-500">職員ログイン</p>
        {reason && reason in REASONS && (
          <p role="status" className="mb-4 rounded bg-amber-50 px-3 py-2 text-xs text-amber-900">
            {REASONS[reason as keyof typeof REASONS]}
          </p>
        )}
        <LoginForm />
      </div>
    </main>
  );
}
