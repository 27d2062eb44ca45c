'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { useUnsavedChangesGuard } from '@/components/ui/use-unsaved-changes';
import type { ActionResult } from '@/lib/actions/define-action';
import { confirmDocumentAction } from '@/lib/records/documents/document.actions';

/** What every document editor's save action gets besides its own content. */
export type DocumentSaveBase = { patientId: string; documentId?: string; changeReason?: string };

/**
 * The flow every clinical document editor shares (診療情報提供書, 退院時サマリー, 健康診断結果報告書): the draft's id and
 * status, 下書き保存 (the first save moves the URL to the document), 確定 (save, then confirm, then the document page),
 * the 修正理由 a 確定 document needs for a new version, errors per field, the unsaved-changes guard, and Alt+S / Alt+K.
 * `submit` sends the editor's content with the base fields.
 */
export function useDocumentEditor(
  patientId: string,
  seed: { documentId?: string | null; lineageId?: string | null; sourceStatus?: string },
  submit: (base: DocumentSaveBase) => Promise<ActionResult<{ id: string; lineageId: string }>>,
) {
  const router = useRouter();
  const [documentId, setDocumentId] = useState(seed.documentId ?? undefined);
  const [status, setStatus] = useState(seed.sourceStatus);
  const [changeReason, setChangeReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dirty, setDirty] = useState(false);
  useUnsavedChangesGuard(dirty, '保存していない変更があります。このページを離れますか？');

  /** wraps a setter so that any change marks the editor dirty */
  const touch = <T,>(set: (v: T) => void) => (v: T) => {
    setDirty(true);
    set(v);
  };

  const fail = (r: { error: string; fieldErrors?: Record<string, string> }) => {
    setError(r.error);
    setFieldErrors(r.fieldErrors ?? {});
  };

  const save = async (): Promise<{ id: string; lineageId: string } | null> => {
    setError(null);
    setFieldErrors({});
    const r = await submit({ patientId, ...(documentId ? { documentId } : {}), ...(status === 'final' ? { changeReason } : {}) });
    if (!r.ok) {
      fail(r);
      return null;
    }
    setDocumentId(r.data.id);
    setStatus('draft');
    setDirty(false);
    return { id: r.data.id, lineageId: r.data.lineageId };
  };

  const onSave = async () => {
    setBusy(true);
    try {
      const saved = await save();
      if (saved) {
        setNotice('下書きを保存しました。');
        if (!seed.lineageId) router.replace(`/patients/${patientId}/documents/${saved.lineageId}?edit=1`);
      }
    } finally {
      setBusy(false);
    }
  };

  const onConfirm = async () => {
    setBusy(true);
    try {
      const saved = await save();
      if (!saved) return;
      const r = await confirmDocumentAction({ documentId: saved.id });
      if (!r.ok) return fail(r);
      router.push(`/patients/${patientId}/documents/${saved.lineageId}`);
      router.refresh();
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.code === 'KeyS') {
        e.preventDefault();
        void onSave();
      } else if (e.code === 'KeyK') {
        e.preventDefault();
        void onConfirm();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return { status, changeReason, setChangeReason, error, fieldErrors, notice, busy, dirty, setDirty, touch, onSave, onConfirm };
}
