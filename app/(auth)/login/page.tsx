import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getActor } from '@/lib/auth/actor';
import { LoginForm } from './login-form';

export const metadata: Metadata = { title: 'ログイン' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ reason?: string }> }) {
  if (await getActor()) redirect('/');
  const { reason } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-100 p-4">
      <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow">
        <h1 className="mb-1 text-center text-xl font-bold text-teal-800">Karte 電子カルテ</h1>
        <p className="mb-6 text-center text-xs text-slate-500">職員ログイン</p>
        {reason === 'idle' && (
          <p className="mb-4 rounded bg-amber-50 px-3 py-2 text-xs text-amber-900">一定時間操作がなかったため、ログアウトしました。</p>
        )}
        <LoginForm />
      </div>
    </main>
  );
}
