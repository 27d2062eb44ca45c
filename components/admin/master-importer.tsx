'use client';

import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { MasterImportRowDto } from '@/lib/masters/master-admin.service';
import { Badge, Button, Card, ErrorBanner, Field, NoticeBanner, inputClass } from '@/components/ui/ui';
import { backgroundRequestHeaders } from '@/lib/web/request-headers';

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
    refetchInterval: (q) => ((q.state.data ?? []).some((r) => r.status === 'running') ? 1_000 : false),
  });
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState('auto');
  const [error, setError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  async function upload() {
    if (!file) return setError('ファイルを選択してください。');
    setError(null);
    setUploading(true);
    try {
      const res = await fetch('/api/internal/masters/imports', {
        method: 'POST',
        headers: { 'Content-Type': 'application/octet-stream', 'X-File-Name': encodeURIComponent(file.name), 'X-Master-Kind': kind },
        body: file,
      });
      if (!res.ok) {
        const body = await res.json().catch(() => null);
        setError(body?.error?.message ?? '取り込みを開始できませんでした。');
        return;
      }
      setNotice(`${file.name} の取り込みを開始しました。`);
      await new Promise((r) => setTimeout(r, 500));
      await client.invalidateQueries({ queryKey: ['master-imports'] });
    } finally {
      setUploading(false);
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
            const pct = r.totalRows ? Math.min(100, Math.round((r.processedRows / r.totalRows) * 100)) : r.status === 'done' ? 100 : 0;
            return (
              <li key={r.id} className="rounded border border-slate-200 p-3 text-sm">
                <div className="flex items-center justify-between">
                  <span className="font-medium">{r.kindLabel} <span className="text-xs text-slate-500">{r.fileName}</span></span>
                  {r.status === 'running' ? <Badge tone="blue">取込中</Badge> : r.status === 'done' ? <Badge tone="green">完了</Badge> : <Badge tone="red">失敗</Badge>}
                </div>
                <div className="mt-2 h-2 w-full overflow-hidden rounded bg-slate-100" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100} aria-label="取り込みの進捗">
                  <div className="h-full bg-teal-600 transition-all" style={{ width: `${pct}%` }} />
                </div>
                <p className="mt-1 text-xs text-slate-600">
                  {r.processedRows.toLocaleString()} / {r.totalRows.toLocaleString()} 行（{pct}%）・追加 {r.inserted.toLocaleString()}・更新 {r.updated.toLocaleString()}・廃止 {r.abolished.toLocaleString()}
                  {r.errorCount > 0 && <span className="text-red-700">・エラー {r.errorCount}件</span>}
                </p>
                {r.errors.length > 0 && (
                  <details className="mt-1 text-xs">
                    <summary className="cursor-pointer text-red-700">エラーの内容</summary>
                    <ul className="ml-4 list-disc">{r.errors.map((e, i) => <li key={i}>{e.row}行目: {e.message}</li>)}</ul>
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
