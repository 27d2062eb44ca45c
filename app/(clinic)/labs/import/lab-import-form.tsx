'use client';

/** Upload → preview (nothing written) → 取り込む (valid rows only) or キャンセル. The file is read in the browser as base64. */
import Link from 'next/link';
import { useRef, useState, useTransition } from 'react';
import { importLabCsvAction } from '@/lib/records/lab-results/lab-result.actions';
import type { LabImportResultDto } from '@/lib/records/lab-results/lab-result.dto';
import { Badge, Button, Card, ErrorBanner, Field, NoticeBanner, inputClass } from '@/components/ui/ui';
import { LabValue } from '@/components/chart/labs/lab-flag';

const MATCHED_BY: Record<string, string> = { jlac10: 'JLAC10', localCode: '施設コード', name: '項目名' };

function toBase64(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** The action's answer, or an explanation when the request itself failed (e.g. the server refused its size: 413). */
async function sendOrExplain<T>(send: () => Promise<T>): Promise<T | { ok: false; error: string; fieldErrors?: undefined }> {
  try {
    return await send();
  } catch {
    return { ok: false, error: '送信できませんでした。ファイルが大きすぎるか、通信が切れた可能性があります。ファイルを分割するか、時間をおいて再度お試しください。' };
  }
}

export function LabImportForm({ maxBytes }: { maxBytes: number }) {
  const fileRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<{ name: string; content: string } | null>(null);
  const [preview, setPreview] = useState<LabImportResultDto | null>(null);
  const [done, setDone] = useState<LabImportResultDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const reset = () => {
    setFile(null);
    setPreview(null);
    setError(null);
    if (fileRef.current) fileRef.current.value = '';
  };

  const onFile = async (f: File | undefined) => {
    setError(null);
    setPreview(null);
    setDone(null);
    if (!f) return;
    if (f.size > maxBytes) {
      setError(`ファイルが大きすぎます（${Math.floor(maxBytes / 1024)}KBまで）。分割して取り込んでください。`);
      return;
    }
    const content = toBase64(await f.arrayBuffer());
    setFile({ name: f.name, content });
    startTransition(async () => {
      const res = await sendOrExplain(() => importLabCsvAction({ fileName: f.name, content, contentEncoding: 'base64', mode: 'preview' }));
      if (!res.ok) {
        setError(Object.values(res.fieldErrors ?? {})[0] ?? res.error);
        return;
      }
      setPreview(res.data);
    });
  };

  const commit = () => {
    if (!file) return;
    startTransition(async () => {
      const res = await sendOrExplain(() => importLabCsvAction({ fileName: file.name, content: file.content, contentEncoding: 'base64', mode: 'commit' }));
      if (!res.ok) {
        setError(res.error);
        return;
      }
      setDone(res.data);
      reset();
    });
  };

  const errorLines = preview ? new Set(preview.errors.map((e) => e.line)).size : 0;
  const patients = done ? [...new Map(done.rows.map((r) => [r.patientId, r])).values()] : [];

  return (
    <div className="flex flex-col gap-4">
      <Card title="ファイルの選択">
        <div className="flex flex-col gap-2">
          <Field label="検査会社の結果CSV（UTF-8 または Shift_JIS）" htmlFor="lab-csv-file" hint="1行目は見出し行。必須列: 患者番号・採取日時・項目コード・項目名・結果値。取り込む前に内容を確認できます。">
            <input id="lab-csv-file" ref={fileRef} type="file" accept=".csv,text/csv" className={inputClass} onChange={(e) => onFile(e.target.files?.[0])} disabled={pending} />
          </Field>
          {pending && <p className="text-sm text-slate-500">処理中…</p>}
          {error && <ErrorBanner>{error}</ErrorBanner>}
          {done && (
            <NoticeBanner>
              {done.fileName} から {done.writtenCount}件の検査結果を取り込みました（{patients.length}名）。
              {done.errors.length > 0 && ` エラーの${new Set(done.errors.map((e) => e.line)).size}行は取り込んでいません。`}
              <span className="ml-2 inline-flex flex-wrap gap-2">
                {patients.map((p) => (
                  <Link key={p.patientId} href={`/patients/${p.patientId}/labs`} className="text-teal-800 underline">
                    {p.patientName}
                  </Link>
                ))}
              </span>
            </NoticeBanner>
          )}
        </div>
      </Card>

      {preview && (
        <>
          <Card title={`確認: ${preview.fileName}`}>
            <p className="mb-3 text-sm">
              文字コード {preview.encoding === 'shift_jis' ? 'Shift_JIS' : 'UTF-8'}・取り込める行 <strong>{preview.rows.length}</strong>件・エラー{' '}
              <strong className={errorLines ? 'text-red-700' : undefined}>{errorLines}</strong>行
            </p>
            {preview.errors.length > 0 && (
              <div className="mb-3">
                <ErrorBanner>
                  <p className="font-medium">次の行は取り込めません（取り込むのは正しい行だけです）:</p>
                  <ul className="mt-1 list-disc pl-5" data-testid="lab-import-errors">
                    {preview.errors.map((e, i) => (
                      <li key={`${e.line}-${i}`}>{e.message}</li>
                    ))}
                  </ul>
                </ErrorBanner>
              </div>
            )}
            <div className="flex gap-2">
              <Button onClick={commit} disabled={pending || preview.rows.length === 0}>
                {preview.errors.length ? `正しい${preview.rows.length}件だけ取り込む` : `${preview.rows.length}件を取り込む`}
              </Button>
              <Button variant="secondary" onClick={reset} disabled={pending}>
                キャンセル
              </Button>
            </div>
          </Card>
          {preview.rows.length > 0 && (
            <Card title="取り込む内容">
              <div className="overflow-x-auto">
                <table className="w-full text-sm" data-testid="lab-import-rows">
                  <thead>
                    <tr className="border-b border-slate-200 text-left text-xs text-slate-500">
                      <th className="py-1 pr-2 font-normal">行</th>
                      <th className="py-1 pr-2 font-normal">患者番号</th>
                      <th className="py-1 pr-2 font-normal">氏名</th>
                      <th className="py-1 pr-2 font-normal">採取日時</th>
                      <th className="py-1 pr-2 font-normal">項目</th>
                      <th className="py-1 pr-2 text-right font-normal">結果</th>
                      <th className="py-1 pr-2 font-normal">単位</th>
                      <th className="py-1 pr-2 font-normal">基準範囲</th>
                      <th className="py-1 font-normal">材料</th>
                    </tr>
                  </thead>
                  <tbody>
                    {preview.rows.map((r) => (
                      <tr key={r.line} className="border-b border-slate-100">
                        <td className="py-1 pr-2 text-slate-500">{r.line}</td>
                        <td className="py-1 pr-2">{r.patientNumber}</td>
                        <td className="py-1 pr-2">{r.patientName}</td>
                        <td className="py-1 pr-2 whitespace-nowrap">{r.collectedAtJst}</td>
                        <td className="py-1 pr-2">
                          {r.itemName}
                          {r.labItemName !== r.itemName && <span className="ml-1 text-xs text-slate-500">（{r.labItemName}）</span>}{' '}
                          {r.matchedBy ? <Badge tone="teal">{MATCHED_BY[r.matchedBy]}</Badge> : <Badge tone="amber">標準外（施設コード {r.localCode}）</Badge>}
                        </td>
                        <td className="py-1 pr-2 text-right">
                          <LabValue value={r.valueDisplay} flag={r.flag} />
                        </td>
                        <td className="py-1 pr-2 text-xs text-slate-500">{r.unitDisplay ?? ''}</td>
                        <td className="py-1 pr-2 text-xs text-slate-500">{r.referenceLabel}</td>
                        <td className="py-1 text-xs">{r.specimen}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Card>
          )}
        </>
      )}
    </div>
  );
}
