'use client';

import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { MasterImportRowDto } from '@/lib/masters/master-admin.service';
import { Badge, Button, Card, ErrorBanner, Field, NoticeBanner, inputClass } from '@/components/ui/ui';
import { backgroundRequestHeaders } from '@/lib/web/request-headers';
import { ACTIVE_MASTER_IMPORT_STATUSES, MASTER_UPLOAD_HEADERS, type MasterImportStatus } from '@/lib/masters/master-import.constants';

const STATUS_TONES: Record<MasterImportStatus, 'blue' | 'green' | 'amber' | 'red' | 'slate'> = {
  receiving: 'blue',
  queued: 'slate',
  running: 'blue',
  done: 'green',
  partial: 'amber',
  failed: 'red',
};

/** Lines (LF count, plus a last line without LF), counted as the server counts them, to check the file arrived whole. */
async function countLines(file: File): Promise<number> {
  let lines = 0;
  let last = 0x0a;
  const reader = file.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    for (let i = 0; i < value.length; i++) if (value[i] === 0x0a) lines++;
    if (value.length) last = value[value.length - 1];
  }
  return file.size === 0 || last === 0x0a ? lines : lines + 1;
}

async function fetchImports(): Promise<MasterImportRowDto[]> {
  const res = await fetch('/api/internal/masters/imports', { cache: 'no-store', headers: backgroundRequestHeaders });
  if (!res.ok) throw new Error('取込状況を取得できませんでした。');
  return res.json();
}

export function MasterImporter({ initial, kinds }: { initial: MasterImportRowDto[]; kinds: [string, string][] }) {
  const client = useQueryClient();
  const imports = useQuery({
    queryKey: ['master-imports'],
    queryFn: fetchImports,
    initialData: initial,
    refetchInterval: (q) => ((q.state.data ?? []).some((r) => ACTIVE_MASTER_IMPORT_STATUSES.includes(r.status)) ? 1_000 : false),
  });
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState('auto');
  const [error, setError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  async function upload() {
    if (!file) return setError('ファイルを選択してください。');
    setError(null);
    setNotice(null);
    setUploading(true);
    try {
      const res = await fetch('/api/internal/masters/imports', {
        method: 'POST',
        headers: {
          'Content-Type': 'application/octet-stream',
          'X-File-Name': encodeURIComponent(file.name),
          [MASTER_UPLOAD_HEADERS.kind]: kind,
          [MASTER_UPLOAD_HEADERS.bytes]: String(file.size),
          [MASTER_UPLOAD_HEADERS.lines]: String(await countLines(file)),
        },
        body: file,
      }).catch(() => null);
      if (!res || !res.ok) {
        const body = await res?.json().catch(() => null);
        setError(body?.error?.message ?? 'ファイルを送れませんでした。通信状態を確かめて、もう一度送ってください。');
        return;
      }
      setNotice(`${file.name} を受け付けました。取り込みの結果は下の履歴に表示されます。`);
    } finally {
      setUploading(false);
      await client.invalidateQueries({ queryKey: ['master-imports'] });
    }
  }

  return (
    <div className="flex flex-col gap-4">
      <Card title="マスターファイルの取り込み">
        <p className="mb-3 text-xs text-slate-600">
          支払基金・MEDIS・厚労省・J-FAGY・JLAC10・JAMI の公式ファイルをそのまま取り込めます（Shift_JIS 可）。同じマスターの新しい版を取り込むと上書き更新し、廃止・移行されたコードも既存のカルテ記録から参照できるまま残します。
        </p>
        {error && <div className="mb-3"><ErrorBanner>{error}</ErrorBanner></div>}
        {notice && <div className="mb-3"><NoticeBanner>{notice}</NoticeBanner></div>}
        <div className="grid grid-cols-1 items-end gap-3 md:grid-cols-3">
          <Field label="ファイル" htmlFor="master-file">
            <input id="master-file" type="file" accept=".txt,.csv" className="text-sm" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          </Field>
          <Field label="種類" htmlFor="master-kind">
            <select id="master-kind" className={inputClass} value={kind} onChange={(e) => setKind(e.target.value)}>
              <option value="auto">自動判定</option>
              {kinds.map(([k, label]) => <option key={k} value={k}>{label}</option>)}
            </select>
          </Field>
          <Button onClick={upload} disabled={uploading || !file}>{uploading ? '送信中…' : '取り込む'}</Button>
        </div>
      </Card>
      <Card title="取り込み履歴">
        <ul className="flex flex-col gap-3" data-testid="master-imports">
          {(imports.data ?? []).map((r) => {
            const pct = r.totalRows ? Math.min(100, Math.round((r.processedRows / r.totalRows) * 100)) : r.status === 'done' || r.status === 'partial' ? 100 : 0;
            return (
              <li key={r.id} className="rounded border border-slate-200 p-3 text-sm" data-testid="master-import-run">
                <div className="flex items-center justify-between">
                  <span className="font-medium">{r.kindLabel} <span className="text-xs text-slate-500">{r.fileName}</span></span>
                  <Badge tone={STATUS_TONES[r.status]}>{r.statusLabel}</Badge>
                </div>
                <div className="mt-2 h-2 w-full overflow-hidden rounded bg-slate-100" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100} aria-label="取り込みの進捗">
                  <div className="h-full bg-teal-600 transition-all" style={{ width: `${pct}%` }} />
                </div>
                <p className="mt-1 text-xs text-slate-600">
                  {r.processedRows.toLocaleString()} / {r.totalRows.toLocaleString()} 行（{pct}%）・追加 {r.inserted.toLocaleString()}・更新 {r.updated.toLocaleString()}・廃止 {r.abolished.toLocaleString()}
                  {r.errorCount > 0 && <span className="text-red-700">・エラー {r.errorCount}件</span>}
                </p>
                {r.status === 'partial' && (
                  <p className="mt-1 text-xs text-amber-800">{r.errorCount.toLocaleString()}行を取り込めませんでした。内容を確かめ、直したファイルを取り込み直してください。</p>
                )}
                {r.errors.length > 0 && (
                  <details className="mt-1 text-xs" open={r.status !== 'done'}>
                    <summary className="cursor-pointer text-red-700">{r.errors.some((e) => e.row > 0) ? '取り込めなかった行と理由' : 'エラーの内容'}</summary>
                    <ul className="ml-4 list-disc" data-testid="master-import-errors">
                      {r.errors.map((e, i) => <li key={i}>{e.row > 0 ? `${e.row}行目: ` : ''}{e.message}</li>)}
                    </ul>
                    {r.errorCount > r.errors.length && <p className="text-slate-600">ほか {(r.errorCount - r.errors.length).toLocaleString()}件（最初の{r.errors.length}件を表示）</p>}
                  </details>
                )}
              </li>
            );
          })}
          {(imports.data ?? []).length === 0 && <li className="text-sm text-slate-500">まだ取り込みはありません。</li>}
        </ul>
      </Card>
    </div>
  );
}
