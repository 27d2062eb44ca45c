import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getRenderActor } from '@/lib/auth/actor';
import { PasswordForm } from '@/components/admin/password-form';
import { Card, NoticeBanner, PageTitle } from '@/components/ui/ui';
import { PASSWORD_MIN_LENGTH } from '@/lib/auth/password';

export const metadata: Metadata = { title: 'パスワード変更' };

export default async function PasswordPage() {
  const actor = await getRenderActor();
  if (!actor) redirect('/login');
  return (
    <div className="mx-auto max-w-lg">
      <PageTitle>パスワード変更</PageTitle>
      {actor.mustChangePassword && <div className="mb-4"><NoticeBanner>初回ログインのため、パスワードを変更してください。変更後にもう一度ログインします。</NoticeBanner></div>}
      <Card>
        <p className="mb-3 text-xs text-slate-600">{PASSWORD_MIN_LENGTH}文字以上。よく使われるパスワードやログインIDを含むものは使えません。変更すると、すべての端末でログアウトします。</p>
        <PasswordForm />
      </Card>
    </div>
  );
}
