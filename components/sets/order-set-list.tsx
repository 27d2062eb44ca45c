'use client';

import { useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import type { OrderSetDto, OrderSetVersionDto } from '@/lib/sets/order-set.dto';
import {
  listOrderSetVersionsAction,
  removeOrderSetAction,
  renameOrderSetAction,
  saveOrderSetAction,
  shareOrderSetAction,
} from '@/lib/sets/order-set.actions';
import { DOSE_BASIS_LABELS, MEDICATION_KIND_LABELS } from '@/lib/records/prescriptions/prescription.constants';
import { formatDateTimeJst } from '@/lib/core/dates';
import { labItemName } from '@/lib/records/lab-orders/lab-order.dto';
import { Badge, Button, Card, ErrorBanner, NoticeBanner, inputClass } from '@/components/ui/ui';

const SECTIONS = [
  { key: 'subjective', label: 'S' },
  { key: 'objective', label: 'O' },
  { key: 'assessment', label: 'A' },
  { key: 'plan', label: 'P' },
] as const;

/** セット一覧: one card per set; its edits become new versions (the old ones are kept and listed). */
export function OrderSetList({ sets, canShare }: { sets: OrderSetDto[]; canShare: boolean }) {
  const [notice, setNotice] = useState<string | null>(null);
  if (!sets.length) return <p className="text-sm text-slate-500">セットはまだありません。</p>;
  return (
    <div className="flex flex-col gap-3">
      {notice && <NoticeBanner>{notice}</NoticeBanner>}
      {sets.map((s) => (
        <OrderSetCard key={s.id} set={s} canShare={canShare} onNotice={setNotice} />
      ))}
    </div>
  );
}

function OrderSetCard({ set, canShare, onNotice }: { set: OrderSetDto; canShare: boolean; onNotice: (n: string) => void }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState(set.name);
  const [editing, setEditing] = useState(false);
  const [content, setContent] = useState(set.content);
  const [versions, setVersions] = useState<OrderSetVersionDto[] | null>(null);

  const run = (action: () => Promise<{ ok: boolean; error?: string }>, done: string) =>
    startTransition(async () => {
      const r = await action();
      if (!r.ok) return setError(r.error ?? 'エラーが発生しました。');
      setError(null);
      setEditing(false);
      onNotice(done);
      router.refresh();
    });

  const save = () =>
    run(
      () =>
        saveOrderSetAction({
          id: set.id,
          scope: set.personal ? 'personal' : 'clinic',
          name,
          content: { diagnoses: content.diagnoses.map(({ name: _n, ...d }) => d), items: content.items, outOfHouse: content.outOfHouse, labOrders: content.labOrders, note: content.note },
        }),
      `セット「${name}」を保存しました（新しい版）。`,
    );

  return (
    <Card
      title={
        <span className="flex items-center gap-2" data-testid="order-set-card">
          <span>{set.name}</span>
          <Badge tone={set.personal ? 'slate' : 'teal'}>{set.personal ? '個人用' : '院内共通'}</Badge>
          <span className="text-xs font-normal text-slate-500">第{set.version}版</span>
        </span>
      }
    >
      {error && <ErrorBanner>{error}</ErrorBanner>}
      <div className="flex flex-col gap-2 text-sm">
        <section>
          <h3 className="text-xs font-semibold text-slate-600">傷病名</h3>
          {content.diagnoses.length === 0 && <p className="text-xs text-slate-500">なし</p>}
          <ul>
            {content.diagnoses.map((d, i) => (
              <li key={`${d.diseaseCode}-${i}`} className="flex items-center gap-2">
                {d.name}
                {editing && (
                  <button type="button" className="text-xs text-red-700 hover:underline" onClick={() => setContent((c) => ({ ...c, diagnoses: c.diagnoses.filter((_, j) => j !== i) }))}>
                    外す
                  </button>
                )}
              </li>
            ))}
          </ul>
        </section>
        <section>
          <h3 className="text-xs font-semibold text-slate-600">処方（{content.outOfHouse ? '院外' : '院内'}）</h3>
          {content.items.length === 0 && <p className="text-xs text-slate-500">なし</p>}
          <ul>
            {content.items.map((it, i) => (
              <li key={i} className="flex flex-wrap items-center gap-2">
                <span>
                  Rp{it.rpNumber} <span className="font-medium">{it.drugName || it.receiptCode}</span> {it.dose}
                  {it.doseUnit}（{DOSE_BASIS_LABELS[it.doseBasis]}） {it.usageText}
                  <span className="ml-1 text-xs text-slate-500">{MEDICATION_KIND_LABELS[it.kind]}</span>
                </span>
                {editing && it.kind !== 'as_needed' ? (
                  <label className="text-xs">
                    日数
                    <input
                      type="number"
                      min={1}
                      max={365}
                      className={`${inputClass} ml-1 w-20`}
                      value={it.days ?? ''}
                      onChange={(e) => setContent((c) => ({ ...c, items: c.items.map((x, j) => (j === i ? { ...x, days: e.target.value ? Number(e.target.value) : undefined } : x)) }))}
                    />
                  </label>
                ) : (
                  it.days && <span className="text-xs">{it.days}日分</span>
                )}
                {editing && (
                  <button type="button" className="text-xs text-red-700 hover:underline" onClick={() => setContent((c) => ({ ...c, items: c.items.filter((_, j) => j !== i) }))}>
                    外す
                  </button>
                )}
              </li>
            ))}
          </ul>
        </section>
        <section>
          <h3 className="text-xs font-semibold text-slate-600">検査オーダー</h3>
          {content.labOrders.length === 0 && <p className="text-xs text-slate-500">なし</p>}
          <ul data-testid="order-set-lab-orders">
            {content.labOrders.map((o, i) => (
              <li key={i} className="flex flex-wrap items-center gap-2 text-sm">
                {o.urgent && <span className="rounded bg-red-100 px-1 text-xs text-red-800">至急</span>}
                <span>{o.itemKeys.map(labItemName).join('・')}</span>
                {o.comment && <span className="text-xs text-slate-500">（{o.comment}）</span>}
                {editing && (
                  <button type="button" className="text-xs text-red-700 hover:underline" onClick={() => setContent((c) => ({ ...c, labOrders: c.labOrders.filter((_, j) => j !== i) }))}>
                    外す
                  </button>
                )}
              </li>
            ))}
          </ul>
        </section>
        <section>
          <h3 className="text-xs font-semibold text-slate-600">診療録の文</h3>
          {SECTIONS.map(({ key, label }) =>
            editing ? (
              <label key={key} className="mt-1 block text-xs">
                {label}
                <textarea
                  className={`${inputClass} mt-0.5`}
                  rows={2}
                  value={content.note[key]}
                  onChange={(e) => setContent((c) => ({ ...c, note: { ...c.note, [key]: e.target.value } }))}
                />
              </label>
            ) : (
              content.note[key] && (
                <p key={key} className="whitespace-pre-wrap text-xs">
                  <span className="font-semibold">{label}: </span>
                  {content.note[key]}
                </p>
              )
            ),
          )}
        </section>
        {set.editable && (
          <div className="flex flex-wrap items-end gap-2 border-t border-slate-100 pt-2">
            <label className="text-xs">
              セット名
              <input aria-label="セット名" className={`${inputClass} mt-0.5 w-56`} value={name} onChange={(e) => setName(e.target.value)} />
            </label>
            {!editing && (
              <Button variant="secondary" disabled={pending || name === set.name} onClick={() => run(() => renameOrderSetAction({ id: set.id, name }), `名前を「${name}」に変更しました。`)}>
                名前を変更
              </Button>
            )}
            {editing ? (
              <>
                <Button disabled={pending} onClick={save}>
                  保存（新しい版）
                </Button>
                <Button
                  variant="secondary"
                  onClick={() => {
                    setContent(set.content);
                    setEditing(false);
                  }}
                >
                  やめる
                </Button>
              </>
            ) : (
              <Button variant="secondary" onClick={() => setEditing(true)}>
                内容を編集
              </Button>
            )}
            {set.personal && canShare && (
              <Button variant="secondary" disabled={pending} onClick={() => run(() => shareOrderSetAction({ id: set.id }), `「${set.name}」を院内共通にしました。`)}>
                院内共通にする
              </Button>
            )}
            <Button
              variant="secondary"
              disabled={pending}
              onClick={() => {
                if (window.confirm(`セット「${set.name}」を削除しますか？（以前の版は記録に残ります）`)) run(() => removeOrderSetAction({ id: set.id }), `「${set.name}」を削除しました。`);
              }}
            >
              削除
            </Button>
          </div>
        )}
        <div>
          {versions ? (
            <ol className="border-l-2 border-slate-200 pl-2 text-xs text-slate-600">
              {versions.map((v) => (
                <li key={v.id}>
                  第{v.version}版 {v.name} {formatDateTimeJst(new Date(v.createdAt))} {v.recordedByName ?? ''}
                  {v.changeReason && ` （${v.changeReason}）`}
                </li>
              ))}
            </ol>
          ) : (
            <button
              type="button"
              className="text-xs text-teal-800 hover:underline"
              onClick={async () => {
                const r = await listOrderSetVersionsAction({ id: set.id });
                if (r.ok) setVersions(r.data);
                else setError(r.error);
              }}
            >
              版の履歴を表示
            </button>
          )}
        </div>
      </div>
    </Card>
  );
}
