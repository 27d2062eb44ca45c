import type { Metadata } from 'next';
import { requirePageActor } from '@/lib/auth/guards';
import { LAB_CSV_MAX_BYTES } from '@/lib/records/lab-results/lab-result.schema';
import { PageTitle } from '@/components/ui/ui';
import { LabImportForm } from './lab-import-form';

export const metadata: Metadata = { title: '検査結果CSVの取込' };

/** 検査会社の結果CSVを取り込む: preview first (nothing written), then commit the valid rows. */
export default async function LabImportPage() {
  await requirePageActor('lab.write');
  return (
    <div className="mx-auto max-w-[1400px]">
      <PageTitle>検査結果CSVの取込</PageTitle>
      <LabImportForm maxBytes={LAB_CSV_MAX_BYTES} />
    </div>
  );
}
