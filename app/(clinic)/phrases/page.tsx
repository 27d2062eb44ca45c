import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { listPhrases } from '@/lib/phrases/phrase.service';
import { PhrasesEditor } from '@/components/phrases/phrases-editor';
import { Card, PageTitle } from '@/components/ui/ui';

export const metadata: Metadata = { title: '定型文' };

export default async function PhrasesPage() {
  const actor = await requirePageActor('note.write');
  const phrases = await listPhrases(actor);
  return (
    <div className="mx-auto max-w-3xl">
      <PageTitle>定型文</PageTitle>
      <Card title="個人用の定型文">
        <p className="mb-3 text-xs text-slate-600">
          診療録のS・O・A・Pで「.略語」と入力してSpaceかTabを押すと、登録した文に置き換わります。同じ略語では個人用が院内共通より優先されます。院内共通の定型文は管理者が登録します。
        </p>
        <PhrasesEditor phrases={phrases} scope="personal" />
      </Card>
    </div>
  );
}
