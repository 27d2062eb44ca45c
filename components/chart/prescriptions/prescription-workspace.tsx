'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { openAndFocus, useChartCommand } from '@/components/chart/chart-commands';
import { Badge, Button, ErrorBanner, NoticeBanner, inputClass } from '@/components/ui/ui';
import { formatDateTimeJst } from '@/lib/core/dates';
import { isSafetyBlocked, toPrefill, type DoctorOptionDto, type PrescriptionDto, type UsageDto } from '@/lib/records/prescriptions/prescription.dto';
import {
  approvePrescriptionAction,
  confirmPrescriptionAction,
  listPrescriptionVersionsAction,
  markPrescriptionEnteredInErrorAction,
  prefillPrescriptionAction,
} from '@/lib/records/prescriptions/prescription.actions';
import { DOSE_BASIS_LABELS, MEDICATION_KIND_LABELS } from '@/lib/records/prescriptions/prescription.constants';
import { RECORD_STATUS_LABELS } from '@/lib/records/record-version.constants';
import type { SafetyReport } from '@/lib/records/prescriptions/safety-check';
import { PrescriptionEditor, type EditorSeed } from './prescription-editor';
import { SafetyDialog } from './safety-dialog';

const STATUS_TONES = { draft: 'slate', pending_approval: 'amber', final: 'green', entered_in_error: 'red' } as const;

export function ItemLine({ item }: { item: PrescriptionDto['items'][number] }) {
  return (
    <span>
      <span className="font-medium">{item.drugName}</span> {item.dose}
      {item.doseUnit}（{DOSE_BASIS_LABELS[item.doseBasis]}） {item.usageText}{' '}
      {item.kind === 'as_needed' ? `${item.times ?? ''}回分` : item.days ? `${item.days}日分` : ''}
      <span className="ml-1 text-xs text-slate-500">{MEDICATION_KIND_LABELS[item.kind]}</span>
      {!item.genericSubstitutionAllowed && (
        <span className="ml-1 text-xs font-semibold text-red-700">{item.substitutionReason === 'patient' ? '患者希望（先発品）' : '変更不可'}</span>
      )}
      {item.drugCodeSystem === 'generic' && <span className="ml-1 text-xs text-teal-700">一般名</span>}
    </span>
  );
}

/** 版の履歴: all versions of one lineage (真正性: superseded and cancelled versions stay readable). */
function Versions({ prescriptionId }: { prescriptionId: string }) {
  const [versions, setVersions] = useState<PrescriptionDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!versions) {
    return (
      <button
        type="button"
        className="text-xs text-teal-800 hover:underline"
        onClick={async () => {
          const r = await listPrescriptionVersionsAction({ prescriptionId });
          if (r.ok) setVersions(r.data);
          else setError(r.error);
        }}
      >
        版の履歴を表示{error && <span className="ml-1 text-red-700">{error}</span>}
      </button>
    );
  }
  return (
    <ol className="mt-1 border-l-2 border-slate-200 pl-2 text-xs text-slate-600">
      {versions.map((v) => (
        <li key={v.id} className="py-0.5">
          第{v.version}版 {RECORD_STATUS_LABELS[v.status]} {formatDateTimeJst(new Date(v.createdAt))}
          {v.changeReason && ` 理由: ${v.changeReason}`}
          {v.supersededAt && ' ／ 旧版'}
          <div className="pl-2">
            {v.items.map((i) => (
              <div key={i.id}>
                Rp{i.rpNumber} <ItemLine item={i} />
              </div>
            ))}
          </div>
        </li>
      ))}
    </ol>
  );
}

export type PrescriptionPermissions = { canWrite: boolean; canProxy: boolean; canConfirm: boolean; canPrint: boolean; userId: string };

export function PrescriptionWorkspace({
  patientId,
  history,
  historyTotal,
  usages,
  doctors,
  perms,
  visitDoctorId = null,
  prefs = { autoPrintPrescription: false, prescribeByGenericDefault: false },
}: {
  patientId: string;
  history: PrescriptionDto[];
  /** every prescription of the patient (the panel lists only the latest) */
  historyTotal?: number;
  usages: UsageDto[];
  doctors: DoctorOptionDto[];
  perms: PrescriptionPermissions;
  /** clinic settings: open the 処方箋 print right after 確定; new drugs start as 一般名で処方 */
  /** the doctor of today's visit: a 代行入力's default approver */
  visitDoctorId?: string | null;
  prefs?: { autoPrintPrescription: boolean; prescribeByGenericDefault: boolean };
}) {
  const router = useRouter();
  const [seed, setSeed] = useState<EditorSeed | null>(null);
  const [editorKey, setEditorKey] = useState(0);
  const [focusSignal, setFocusSignal] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [pendingAck, setPendingAck] = useState<{ p: PrescriptionDto; kind: 'confirm' | 'approve'; report: SafetyReport } | null>(null);
  const [cancelling, setCancelling] = useState<{ id: string; reason: string } | null>(null);
  const canEdit = perms.canWrite || perms.canProxy;
  const isProxy = !perms.canWrite && perms.canProxy;

  const open = (s: EditorSeed) => {
    setSeed(s);
    setEditorKey((k) => k + 1);
    setFocusSignal((n) => n + 1);
    setNotice(null);
    setError(null);
  };

  /** After a 確定: the clinic may have the 処方箋 print open by itself (the same page as Alt+O). */
  function afterConfirm(p: PrescriptionDto) {
    if (p.status === 'final' && prefs.autoPrintPrescription && perms.canPrint) router.push(`/patients/${patientId}/prescriptions/${p.id}/print?print=1`);
    else router.refresh();
  }

  async function doPrescription(sourceId?: string) {
    setError(null);
    const r = await prefillPrescriptionAction({ patientId, sourceId });
    if (!r.ok) return setError(r.error);
    if (!r.data) return setNotice('前回の確定済み処方がありません。');
    const from = `${sourceId ? 'コピー元' : '前回Do'}: ${r.data.sourceIssuedDate?.replaceAll('-', '/') ?? ''}`;
    const count = r.data.continues.length > 1 ? `（${r.data.continues.length}件の処方）` : '';
    // the copy continues what it was copied from: that one is replaced, not counted as 重複投薬
    open({ outOfHouse: r.data.outOfHouse, note: r.data.note, items: r.data.items, continues: r.data.continues, origin: `${from}${count}・継続処方（元の処方を置き換えます）` });
  }

  useChartCommand(['confirm-prescription', 'print-prescription'], (id) => {
    if (id === 'print-prescription') {
      // the newest 確定 prescription (the list is newest first): its 処方箋, where Enter prints
      const latest = history.find((p) => p.status === 'final');
      if (!latest || !perms.canPrint) return setNotice('印刷できる確定済みの処方がありません。');
      router.push(`/patients/${patientId}/prescriptions/${latest.id}/print?print=1`);
    } else if (!seed && perms.canConfirm) {
      // the editor, when open, 確定s itself; else the doctor's newest draft
      const draft = history.find((p) => p.status === 'draft' && p.authorId === perms.userId);
      if (!draft) return setNotice('確定する下書きの処方がありません。');
      void finalise(draft, 'confirm');
    }
  });

  useChartCommand(['add-prescription', 'do-prescription'], (id) => {
    if (!canEdit) return;
    if (id === 'add-prescription') {
      // the drug search takes the keystrokes typed right after Alt+P
      openAndFocus(() => (seed ? setFocusSignal((n) => n + 1) : open({ outOfHouse: true, note: null, items: [] })), () => document.getElementById('rx-drug-search'));
    } else void doPrescription();
  });

  async function finalise(p: PrescriptionDto, kind: 'confirm' | 'approve', ack?: { allergyOverrideReason?: string; duplicateAcknowledged: boolean; limitOverrideReason?: string }) {
    setBusy(true);
    setError(null);
    const input = { prescriptionId: p.id, allergyOverrideReason: ack?.allergyOverrideReason, duplicateAcknowledged: ack?.duplicateAcknowledged ?? false, limitOverrideReason: ack?.limitOverrideReason };
    const r = kind === 'confirm' ? await confirmPrescriptionAction(input) : await approvePrescriptionAction(input);
    setBusy(false);
    if (r.ok) {
      setPendingAck(null);
      setNotice(kind === 'confirm' ? '処方を確定しました。' : '代行入力の処方を承認しました。');
      if (kind === 'confirm') afterConfirm(r.data);
      else router.refresh();
    } else if (isSafetyBlocked(r)) setPendingAck({ p, kind, report: r.safety });
    else {
      setPendingAck(null);
      setError(r.error);
    }
  }

  async function cancel() {
    if (!cancelling) return;
    setBusy(true);
    const r = await markPrescriptionEnteredInErrorAction({ prescriptionId: cancelling.id, reason: cancelling.reason });
    setBusy(false);
    if (!r.ok) return setError(r.fieldErrors?.reason ?? r.error);
    setCancelling(null);
    setNotice(r.data ? '処方を取消しました（入力誤り）。' : '下書きを破棄しました。');
    router.refresh();
  }

  return (
    <div className="flex flex-col gap-3">
      {notice && <NoticeBanner>{notice}</NoticeBanner>}
      {error && <ErrorBanner>{error}</ErrorBanner>}
      {canEdit && !seed && (
        <div className="flex gap-2">
          <Button onClick={() => open({ outOfHouse: true, note: null, items: [] })} title="Alt+P">
            新しい処方
          </Button>
          <Button variant="secondary" onClick={() => void doPrescription()} title="Alt+R">
            前回Do
          </Button>
        </div>
      )}
      {seed && (
        <PrescriptionEditor
          key={editorKey}
          patientId={patientId}
          seed={seed}
          usages={usages}
          doctors={doctors}
          visitDoctorId={visitDoctorId}
          isProxy={isProxy}
          canConfirm={perms.canConfirm}
          userId={perms.userId}
          focusSignal={focusSignal}
          prescribeByGenericDefault={prefs.prescribeByGenericDefault}
          onCancel={() => setSeed(null)}
          onDone={(p) => {
            setSeed(null);
            setNotice(p.status === 'final' ? '処方を確定しました。' : p.status === 'pending_approval' ? '代行入力の処方を保存しました（医師の承認待ち）。' : '処方を下書き保存しました。');
            afterConfirm(p);
          }}
        />
      )}

      <section>
        <h3 className="mb-1 text-xs font-semibold text-slate-600">
          処方歴
          {historyTotal !== undefined && historyTotal > history.length && (
            <span className="ml-2 font-normal text-slate-500" data-testid="prescription-history-count">
              直近{history.length}件を表示（全{historyTotal}件）
            </span>
          )}
          <a href={`/patients/${patientId}/prescriptions`} className="ml-2 font-normal text-teal-700 hover:underline">
            すべての処方歴
          </a>
        </h3>
        {history.length === 0 && <p className="text-sm text-slate-500">処方はまだありません。</p>}
        <ul className="flex flex-col divide-y divide-slate-100" data-testid="prescription-history">
          {history.map((p) => (
            <li key={p.id} className="py-2 text-sm">
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-medium">{p.issuedDate.replaceAll('-', '/')}</span>
                <Badge tone={STATUS_TONES[p.status]}>{RECORD_STATUS_LABELS[p.status]}</Badge>
                {p.version > 1 && <span className="text-xs text-slate-500">第{p.version}版</span>}
                {p.outOfHouse ? <span className="text-xs text-slate-500">院外</span> : <span className="text-xs text-slate-500">院内</span>}
                {p.refillTimes && <Badge tone="slate">リフィル{p.refillTimes}回</Badge>}
                <span className="text-xs text-slate-500">
                  {p.authorName ?? ''}
                  {p.entererId !== p.authorId && p.entererName ? `（入力: ${p.entererName}）` : ''}
                </span>
                {p.allergyOverrideReason && <Badge tone="red">アレルギー警告を承知で処方</Badge>}
                {p.limitOverrideReason && <Badge tone="amber">上限超過（理由あり）</Badge>}
                <span className="ml-auto flex flex-wrap gap-1">
                  {p.status === 'final' && perms.canPrint && (
                    <Link className="rounded px-2 py-0.5 text-xs font-medium text-teal-800 hover:bg-teal-50" href={`/patients/${patientId}/prescriptions/${p.id}/print`}>
                      処方箋を印刷
                    </Link>
                  )}
                  {p.status === 'draft' && perms.canConfirm && (
                    <Button variant="ghost" className="px-2 py-0.5 text-xs" disabled={busy} onClick={() => finalise(p, 'confirm')}>
                      確定
                    </Button>
                  )}
                  {p.status === 'pending_approval' && perms.canConfirm && p.authorId === perms.userId && (
                    <Button variant="ghost" className="px-2 py-0.5 text-xs" disabled={busy} onClick={() => finalise(p, 'approve')}>
                      承認
                    </Button>
                  )}
                  {canEdit && p.status !== 'entered_in_error' && (p.status !== 'final' || perms.canWrite) && (p.status !== 'draft' || perms.canWrite) && (
                    <Button
                      variant="ghost"
                      className="px-2 py-0.5 text-xs"
                      onClick={() => {
                        const pre = toPrefill(p);
                        open({ prescriptionId: p.id, sourceStatus: p.status, outOfHouse: pre.outOfHouse, refillTimes: pre.refillTimes, note: pre.note, items: pre.items, allergyOverrideReason: p.allergyOverrideReason, limitOverrideReason: p.limitOverrideReason });
                      }}
                    >
                      {p.status === 'draft' ? '編集' : '修正'}
                    </Button>
                  )}
                  {canEdit && (
                    <Button variant="ghost" className="px-2 py-0.5 text-xs" onClick={() => void doPrescription(p.id)}>
                      コピーして新規
                    </Button>
                  )}
                  {canEdit && p.status !== 'entered_in_error' && (perms.canWrite || (p.status === 'pending_approval' && p.entererId === perms.userId)) && (
                    <Button variant="ghost" className="px-2 py-0.5 text-xs text-red-700" onClick={() => setCancelling({ id: p.id, reason: '' })}>
                      {p.status === 'draft' ? '破棄' : '取消'}
                    </Button>
                  )}
                </span>
              </div>
              <ul className="mt-1 pl-2 text-slate-700">
                {p.items.map((i) => (
                  <li key={i.id}>
                    <span className="mr-1 text-xs text-slate-500">Rp{i.rpNumber}</span>
                    <ItemLine item={i} />
                  </li>
                ))}
              </ul>
              {p.changeReason && <p className="mt-1 text-xs text-slate-500">理由: {p.changeReason}</p>}
              {p.version > 1 && <Versions prescriptionId={p.id} />}
              {cancelling?.id === p.id && (
                <div className="mt-2 flex gap-2">
                  <input aria-label="取消の理由" className={inputClass} placeholder="取消の理由（必須）" value={cancelling.reason} onChange={(e) => setCancelling({ id: p.id, reason: e.target.value })} autoFocus />
                  <Button variant="danger" disabled={busy || !cancelling.reason.trim()} onClick={cancel}>
                    {p.status === 'draft' ? '破棄する' : '取消する'}
                  </Button>
                  <Button variant="ghost" onClick={() => setCancelling(null)}>
                    やめる
                  </Button>
                </div>
              )}
            </li>
          ))}
        </ul>
      </section>
      {pendingAck && (
        <SafetyDialog
          report={pendingAck.report}
          initialReason={pendingAck.p.allergyOverrideReason}
          initialLimitReason={pendingAck.p.limitOverrideReason}
          busy={busy}
          onCancel={() => setPendingAck(null)}
          onAcknowledge={(ack) => finalise(pendingAck.p, pendingAck.kind, ack)}
        />
      )}
    </div>
  );
}
