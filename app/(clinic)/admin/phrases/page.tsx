import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { listPhrases } from '@/lib/phrases/phrase.service';
import { PhrasesEditor } from '@/components/phrases/phrases-editor';
import { Card, PageTitle } from '@/components/ui/ui';

export const metadata: Metadata = { title: '定型文（院内共通）' };

export default async function ClinicPhrasesPage() {
  const actor = await requirePageActor('clinic.settings');
  const phrases = await listPhrases(actor);
  return (
    <div className="mx-auto max-w-3xl">
      <PageTitle>定型文（院内共通）</PageTitle>
      <Card title="院内共通の定型文">
        <p className="mb-3 text-xs text-slate-600">
          診療録を書く職員全員が使えます（診療録で「.略語」＋SpaceかTab）。職員が同じ略語で個人用を登録すると、その職員には個人用が優先されます。
        </p>
        <PhrasesEditor phrases={phrases} scope="clinic" />
      </Card>
    </div>
  );
}
