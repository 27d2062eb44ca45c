'use client';

import { useEffect, useMemo, useRef, useState, useTransition } from 'react';
import { approveNoteAction, confirmNoteAction, createNoteAction, updateNoteAction } from '@/lib/records/notes/note.actions';
import type { DoctorOptionDto, NoteDto, NoteWithHistoryDto } from '@/lib/records/notes/note.dto';
import { appendNoteSections, applyNoteDo, intakeOfDay, previousNoteForDo, type SoapKey } from '@/lib/records/notes/note-timeline';
import { todayJst } from '@/lib/core/dates';
import { computeBmi, formatVitalsLine, INTAKE_S_LABEL, SOAP_SECTIONS } from '@/lib/records/notes/note-format';
import { VITAL_KEYS, type VitalKey } from '@/lib/records/notes/note.schema';
import { parseVitalsLine, VITALS_LINE_EXAMPLE } from '@/lib/records/notes/vitals-line';
import { expandPhraseAt, phraseMap, type PhraseForExpansion } from '@/lib/phrases/phrase-expand';
import { dispatchChartCommand, useChartCommand, useNoteInsert, useNoteSnapshot } from '@/components/chart/chart-commands';
import { Button, ErrorBanner, NoticeBanner, cx, inputClass } from '@/components/ui/ui';
import { useUnsavedChangesGuard } from '@/components/ui/use-unsaved-changes';
import { NoteStatusBadge } from './note-view';
import type { NoteSavedHandler } from './notes-workspace';

/** inputClass is w-full: a fixed width (w-16 …) only applies once that is removed. */
const fixedWidthInput = inputClass.replace('w-full ', '');

export type NoteViewer = { userId: string; isDoctor: boolean; canWrite: boolean };

type Values = {
  subjective: string;
  objective: string;
  assessment: string;
  plan: string;
  heightCm: string;
  weightKg: string;
  systolicBp: string;
  diastolicBp: string;
  pulse: string;
  bodyTempC: string;
  spo2: string;
  authorId: string;
  changeReason: string;
};

const EMPTY: Values = { subjective: '', objective: '', assessment: '', plan: '', heightCm: '', weightKg: '', systolicBp: '', diastolicBp: '', pulse: '', bodyTempC: '', spo2: '', authorId: '', changeReason: '' };

const s = (n: number | null, digits?: number) => (n === null ? '' : digits ? n.toFixed(digits) : String(n));

function valuesOf(note: NoteDto | null, defaultAuthorId: string): Values {
  if (!note) return { ...EMPTY, authorId: defaultAuthorId };
  return {
    subjective: note.subjective,
    objective: note.objective,
    assessment: note.assessment,
    plan: note.plan,
    heightCm: s(note.vitals.heightCm, 1),
    weightKg: s(note.vitals.weightKg, 1),
    systolicBp: s(note.vitals.systolicBp),
    diastolicBp: s(note.vitals.diastolicBp),
    pulse: s(note.vitals.pulse),
    bodyTempC: s(note.vitals.bodyTempC, 1),
    spo2: s(note.vitals.spo2),
    authorId: note.author.id,
    changeReason: '',
  };
}

const VITAL_INPUTS = [
  { key: 'systolicBp', label: '血圧(収縮)', unit: '', width: 'w-16' },
  { key: 'diastolicBp', label: '血圧(拡張)', unit: 'mmHg', width: 'w-16' },
  { key: 'pulse', label: '脈拍', unit: '/分', width: 'w-14' },
  { key: 'bodyTempC', label: '体温', unit: '℃', width: 'w-16' },
  { key: 'spo2', label: 'SpO2', unit: '%', width: 'w-14' },
  { key: 'heightCm', label: '身長', unit: 'cm', width: 'w-16' },
  { key: 'weightKg', label: '体重', unit: 'kg', width: 'w-16' },
] as const;

const num = (v: string) => {
  const t = v.normalize('NFKC').trim();
  return t && /^\d+(\.\d+)?$/.test(t) ? Number(t) : null;
};

const VITAL_DIGITS: Record<VitalKey, number | undefined> = { heightCm: 1, weightKg: 1, systolicBp: undefined, diastolicBp: undefined, pulse: undefined, bodyTempC: 1, spo2: undefined };

/** The readback of the vital fields as they stand (the line and the fields agree: the line fills the fields). */
function vitalsReadback(v: Values): string {
  return formatVitalsLine({
    heightCm: num(v.heightCm),
    weightKg: num(v.weightKg),
    systolicBp: num(v.systolicBp),
    diastolicBp: num(v.diastolicBp),
    pulse: num(v.pulse),
    bodyTempC: num(v.bodyTempC),
    spo2: num(v.spo2),
  });
}

/**
 * The fast SOAP editor at the top of the timeline. Alt+N new note, Alt+S 保存, Alt+K 確定 (doctors).
 * A doctor's draft stays in the editor after saving (edited in place); a nurse's 代行入力 is handed to the
 * chosen doctor and the editor clears.
 */
export function NoteEditor({
  patientId,
  viewer,
  doctors,
  visitDoctorId = null,
  editing,
  notes,
  timeline,
  phrases = [],
  onSaved,
  onDone,
  onDirtyChange,
}: {
  patientId: string;
  viewer: NoteViewer;
  doctors: DoctorOptionDto[];
  /** the doctor of today's visit: the 代行入力's default 担当医 (the same rule as the prescription editor) */
  visitDoctorId?: string | null;
  /** a note loaded from the timeline for editing, or null for a new note */
  editing: NoteDto | null;
  /** the timeline as last rendered: keeps the note being edited in step with 確定/承認 done elsewhere */
  notes: NoteDto[];
  /** the timeline entries, newest first: the source of 前回カルテDo */
  timeline: NoteWithHistoryDto[];
  /** 定型文: `.abbr` + Space/Tab in a section expands */
  phrases?: PhraseForExpansion[];
  /** shows the returned note in the timeline at once (no page re-render) */
  onSaved: NoteSavedHandler;
  onDone: () => void;
  onDirtyChange?: (dirty: boolean) => void;
}) {
  const defaultAuthorId = visitDoctorId && doctors.some((d) => d.id === visitDoctorId) ? visitDoctorId : doctors.length === 1 ? doctors[0]!.id : '';
  const [current, setCurrent] = useState<NoteDto | null>(editing);
  // a nurse's 予診 (0064): 主訴・問診 and vitals, her own 確定 record; editing one stays one
  const [intakeChosen, setIntakeChosen] = useState(false);
  const [values, setValues] = useState<Values>(() => valuesOf(editing, defaultAuthorId));
  const [saved, setSaved] = useState<string>(() => JSON.stringify(valuesOf(editing, defaultAuthorId)));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const first = useRef<HTMLTextAreaElement>(null);
  const sectionRefs = useRef<Partial<Record<SoapKey, HTMLTextAreaElement | null>>>({});
  const vitalsLineRef = useRef<HTMLInputElement>(null);
  // the one-line vitals entry: what it last filled (cleared again when removed from the line), its error once left
  const [vitalsLine, setVitalsLine] = useState('');
  const [vitalsLineError, setVitalsLineError] = useState<string | null>(null);
  const [vitalsLineTouched, setVitalsLineTouched] = useState(false);
  const lineKeys = useRef<VitalKey[]>([]);

  const clearVitalsLine = () => {
    setVitalsLine('');
    setVitalsLineError(null);
    setVitalsLineTouched(false);
    lineKeys.current = [];
  };

  const onVitalsLine = (text: string) => {
    setVitalsLine(text);
    const parsed = parseVitalsLine(text);
    if (!parsed.ok) {
      setVitalsLineError(parsed.error);
      return;
    }
    setVitalsLineError(null);
    const keys = Object.keys(parsed.values) as VitalKey[];
    // the updater runs later: take the keys the line filled before this change now
    const before = lineKeys.current;
    setValues((cur) => {
      const next = { ...cur };
      for (const k of before) if (!keys.includes(k)) next[k] = '';
      for (const k of keys) {
        const n = parsed.values[k]!;
        next[k] = VITAL_DIGITS[k] ? n.toFixed(VITAL_DIGITS[k]) : String(n);
      }
      return next;
    });
    lineKeys.current = keys;
  };

  useEffect(() => {
    if (!editing) return;
    setCurrent(editing);
    const v = valuesOf(editing, '');
    setValues(v);
    setSaved(JSON.stringify(v));
    setErrors({});
    setMessage(null);
    setNotice(null);
    clearVitalsLine();
    first.current?.focus();
  }, [editing]);

  const dirty = JSON.stringify(values) !== saved;
  useEffect(() => onDirtyChange?.(dirty), [dirty, onDirtyChange]);
  useUnsavedChangesGuard(dirty, '保存していない診療録があります。このページを離れると入力内容は失われます。移動しますか？');

  useEffect(() => {
    // the same version was 確定/承認 from the timeline: follow its status (a newer version is left to CONFLICT)
    if (!current) return;
    const fresh = notes.find((n) => n.id === current.id);
    if (fresh && fresh.status !== current.status) setCurrent(fresh);
  }, [notes, current]);
  const proxy = !viewer.isDoctor;
  const intake = proxy && (current ? current.kind === 'intake' : intakeChosen);
  const needsReason = current?.status === 'final';
  const approving = viewer.isDoctor && current?.status === 'pending_approval' && current.author.id === viewer.userId;
  const bmi = computeBmi(num(values.heightCm), num(values.weightKg));
  // a nurse's vitals without S/O/A/P are her own record, 確定 at once (no doctor, no approval)
  const vitalsOnly = [values.subjective, values.objective, values.assessment, values.plan].every((t) => t.trim() === '');

  const set = (key: keyof Values) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [key]: e.target.value }));

  function reset(focus: boolean) {
    setCurrent(null);
    setIntakeChosen(false);
    const v = valuesOf(null, values.authorId);
    setValues(v);
    setSaved(JSON.stringify(v));
    setErrors({});
    setMessage(null);
    clearVitalsLine();
    onDone();
    if (focus) requestAnimationFrame(() => first.current?.focus());
  }

  /** Saves if needed; returns the saved version (or the unchanged current one), or null on failure. */
  async function persist(): Promise<NoteDto | null> {
    if (current && !dirty) return current;
    const content = {
      subjective: values.subjective,
      objective: values.objective,
      assessment: values.assessment,
      plan: values.plan,
      heightCm: values.heightCm,
      weightKg: values.weightKg,
      systolicBp: values.systolicBp,
      diastolicBp: values.diastolicBp,
      pulse: values.pulse,
      bodyTempC: values.bodyTempC,
      spo2: values.spo2,
      ...(proxy && !intake ? { authorId: values.authorId } : {}),
    };
    if (proxy && !intake && !vitalsOnly && !values.authorId) {
      setErrors({ authorId: '担当医を選択してください。' });
      setMessage('代行入力では担当医を選択してください。');
      return null;
    }
    const result = current
      ? await updateNoteAction({ ...content, noteId: current.id, changeReason: values.changeReason })
      : await createNoteAction({ ...content, patientId, ...(intake ? { kind: 'intake' as const } : {}) });
    if (!result.ok) {
      setErrors(result.fieldErrors ?? {});
      setMessage(result.fieldErrors?._ ?? result.error);
      return null;
    }
    setErrors({});
    setMessage(null);
    return result.data;
  }

  function save() {
    if (pending || !viewer.canWrite) return;
    if (current && !dirty) {
      setNotice('変更はありません。');
      return;
    }
    startTransition(async () => {
      const before = current?.status;
      const note = await persist();
      if (!note) return;
      onSaved(note, before);
      if (proxy && note.status === 'final') {
        setNotice(note.kind === 'intake' ? `予診を記録しました（確定・第${note.version}版）。医師のカルテに表示されます。` : `バイタルを記録しました（確定・第${note.version}版）。`);
        reset(false);
      } else if (note.status === 'pending_approval' && proxy) {
        const doctor = doctors.find((d) => d.id === note.author.id)?.name ?? '担当医';
        setNotice(`承認待ちとして保存しました。${doctor}の承認後に確定されます。`);
        reset(false);
      } else {
        setCurrent(note);
        // keep anything typed while the save was in flight; the snapshot is what was sent
        setValues((cur) => ({ ...cur, changeReason: '' }));
        setSaved(JSON.stringify({ ...values, changeReason: '' }));
        setNotice(note.status === 'pending_approval' ? `第${note.version}版として保存しました（承認待ち）。` : `下書きを保存しました（第${note.version}版）。`);
      }
    });
  }

  function confirm() {
    if (pending || !viewer.isDoctor) return;
    if (current?.status === 'final' && !dirty) {
      setMessage('変更がないため、確定する内容がありません。');
      return;
    }
    startTransition(async () => {
      const before = current?.status;
      const note = await persist();
      if (!note) return;
      if (note !== current) onSaved(note, before);
      const result = note.status === 'pending_approval' ? await approveNoteAction({ noteId: note.id }) : await confirmNoteAction({ noteId: note.id });
      if (!result.ok) {
        setCurrent(note);
        setSaved(JSON.stringify(values));
        setMessage(result.error);
        return;
      }
      onSaved(result.data, note.status);
      setNotice(result.data.approvedBy ? '承認し、確定しました。' : '確定しました。');
      reset(false);
    });
  }

  // the day's 予診 (a nurse's 確定 record): the doctor takes its 主訴・問診 into S
  const dayIntake = viewer.isDoctor ? intakeOfDay(timeline, todayJst()) : null;
  function takeIntake() {
    if (!dayIntake) return;
    const result = appendNoteSections(values, { subjective: dayIntake.subjective, objective: '', assessment: '', plan: '' });
    setValues((v) => ({ ...v, ...result.values }));
    setMessage(null);
    setNotice(`予診（${dayIntake.author.name}）の${INTAKE_S_LABEL}をSに入れました（未保存）。`);
    requestAnimationFrame(() => {
      const el = sectionRefs.current.subjective;
      if (!el) return;
      el.focus();
      el.setSelectionRange(el.value.length, el.value.length);
    });
  }

  const previous = previousNoteForDo(timeline, current?.lineageId);
  const previousDate = previous ? previous.encounterDate.replaceAll('-', '/') : '';

  /** 前回カルテDo: the chosen sections of the last 確定 note fill the empty sections of the editor. */
  function copyPrevious(sections?: SoapKey[]) {
    if (!previous) {
      setMessage('コピーできる前回の診療録（確定済み）がありません。');
      return;
    }
    const result = applyNoteDo(values, previous, sections);
    setValues((v) => ({ ...v, ...result.values }));
    setMessage(null);
    const names = (keys: SoapKey[]) => keys.map((k) => SOAP_SECTIONS.find((x) => x.key === k)!.short).join('・');
    const parts = [result.copied.length ? `前回カルテ（${previousDate}）の${names(result.copied)}をコピーしました。` : `前回カルテ（${previousDate}）にコピーする内容はありません。`];
    if (result.kept.length) parts.push(`入力済みの${names(result.kept)}はそのままです。`);
    setNotice(parts.join(''));
    // the whole-note Do leaves today's measurements to type next (they are never copied): the vitals line while no
    // vital is filled in; else, and for one section, the end of the last section copied
    if (!sections && VITAL_KEYS.every((k) => values[k].trim() === '')) {
      vitalsLineRef.current?.focus();
      return;
    }
    const target = result.copied[result.copied.length - 1] ?? sections?.[0] ?? 'subjective';
    requestAnimationFrame(() => {
      const el = sectionRefs.current[target];
      if (!el) return;
      el.focus();
      el.setSelectionRange(el.value.length, el.value.length);
    });
  }

  const phraseLookup = useMemo(() => phraseMap(phrases), [phrases]);

  /** 定型文: `.abbr` then Space or Tab (not while the IME composes) becomes the phrase; anything else types as usual. */
  function expandPhrase(e: React.KeyboardEvent<HTMLTextAreaElement>, key: SoapKey): boolean {
    if ((e.key !== ' ' && e.key !== 'Tab') || e.shiftKey || e.altKey || e.ctrlKey || e.metaKey || e.nativeEvent.isComposing) return false;
    const el = e.currentTarget;
    if (el.selectionStart !== el.selectionEnd) return false;
    const result = expandPhraseAt(el.value, el.selectionStart, phraseLookup);
    if (!result) return false;
    e.preventDefault();
    setValues((v) => ({ ...v, [key]: result.text }));
    requestAnimationFrame(() => el.setSelectionRange(result.cursor, result.cursor));
    return true;
  }

  /** Alt+↑/↓ in a section moves to the previous/next S/O/A/P section (Tab does too). */
  function moveSection(e: React.KeyboardEvent<HTMLTextAreaElement>, index: number) {
    if (!e.altKey || (e.key !== 'ArrowDown' && e.key !== 'ArrowUp')) return;
    const next = SOAP_SECTIONS[index + (e.key === 'ArrowDown' ? 1 : -1)];
    if (!next) return;
    e.preventDefault();
    sectionRefs.current[next.key]?.focus();
  }

  // セットの適用: the set's text goes at the end of each section of the open note (nothing is saved)
  useNoteInsert((text, source) => {
    const result = appendNoteSections(values, text);
    if (!result.added.length) return;
    setValues((v) => ({ ...v, ...result.values }));
    const names = result.added.map((k) => SOAP_SECTIONS.find((x) => x.key === k)!.short).join('・');
    setNotice(`セット「${source}」の文を${names}に挿入しました（未保存）。`);
  });
  // 「この受診からセットを作成」 takes the note being written, saved or not
  useNoteSnapshot(() => ({ subjective: values.subjective, objective: values.objective, assessment: values.assessment, plan: values.plan }));

  useChartCommand(['new-note', 'save', 'confirm', 'do-note', 'vitals', 'take-intake'], (id) => {
    if (id === 'take-intake') {
      if (dayIntake) takeIntake();
      else setMessage('取り込める本日の予診（確定済み）がありません。');
      return;
    }
    if (id === 'do-note') {
      copyPrevious();
      return;
    }
    if (id === 'vitals') {
      vitalsLineRef.current?.focus();
      return;
    }
    if (id === 'new-note') {
      if (current || dirty) {
        if (dirty && !window.confirm('保存していない内容があります。破棄して新しい診療録を書きますか？')) return;
        reset(true);
      } else {
        first.current?.focus();
      }
    } else if (id === 'save' || id === 'confirm') {
      // pressed while a save is still finishing (its notice may show already): run it once that has finished
      if (pending) queuedCommand.current = id;
      else runCommand(id);
    }
  });

  function runCommand(id: 'save' | 'confirm') {
    if (id === 'save') save();
    // Alt+K also 確定s an open prescription: an untouched empty editor has nothing to 確定 and says nothing
    else if (current || dirty) confirm();
  }

  const queuedCommand = useRef<'save' | 'confirm' | null>(null);
  useEffect(() => {
    const id = queuedCommand.current;
    if (pending || !id) return;
    queuedCommand.current = null;
    runCommand(id);
  });

  if (!viewer.canWrite) return null;

  const title = current ? `第${current.version}版を編集中` : '新しい診療録';
  return (
    <form
      aria-label="診療録の入力"
      noValidate
      className="flex flex-col gap-2 rounded border border-teal-200 bg-teal-50/40 p-3"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="font-semibold text-slate-800">{title}</span>
        {current && <NoteStatusBadge status={current.status} />}
        {dirty && <span className="text-xs text-amber-700">未保存</span>}
        {proxy && !intake && <span className="text-xs font-medium text-blue-800">代行入力</span>}
        {proxy && !current && (
          <label className="flex items-center gap-1 text-xs font-medium text-blue-900">
            <input type="checkbox" checked={intakeChosen} onChange={(e) => setIntakeChosen(e.target.checked)} />
            予診として記録（主訴・問診とバイタル。承認不要）
          </label>
        )}
        {dayIntake && (
          <Button variant="secondary" className="px-2 py-0.5 text-xs" onClick={takeIntake} disabled={pending} title={`${dayIntake.author.name}が記録した本日の予診をSに入れます`}>
            予診をSへ
          </Button>
        )}
        <Button
          variant="secondary"
          className="ml-auto px-2 py-0.5 text-xs"
          onClick={() => copyPrevious()}
          disabled={!previous || pending}
          title={previous ? `${previousDate}の診療録のS・O・A・Pを空欄にコピーします` : '確定済みの前回の診療録がありません'}
        >
          前回カルテDo{previous ? `（${previousDate}）` : ''} <kbd className="text-[10px] opacity-90">Alt+C</kbd>
        </Button>
      </div>
      {message && <ErrorBanner>{message}</ErrorBanner>}
      {notice && !message && <NoticeBanner>{notice}</NoticeBanner>}
      {intake && (
        <p className="text-xs text-blue-900">予診は看護師の記録として確定され、承認待ちにはなりません。医師のカルテに表示され、医師はSに取り込めます。</p>
      )}
      {proxy && !intake && (
        <div className="flex flex-wrap items-center gap-2 rounded border border-blue-200 bg-blue-50 px-2 py-1.5 text-xs text-blue-900">
          <label htmlFor="note-author" className="font-medium">
            担当医<span className="ml-0.5 text-red-600">*</span>
          </label>
          <select
            id="note-author"
            value={values.authorId}
            onChange={set('authorId')}
            aria-invalid={!!errors.authorId}
            required
            className={cx(fixedWidthInput, 'w-48 py-1')}
          >
            <option value="">選択してください</option>
            {doctors.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
          <span>代行入力した診療録は承認待ちとなり、担当医の承認後に確定されます。バイタルだけの記録は承認を待たずに確定されます。</span>
          {errors.authorId && <span className="text-red-700">{errors.authorId}</span>}
        </div>
      )}
      {approving && <p className="text-xs text-blue-800">代行入力（{current?.enterer.name}）の内容です。修正して保存すると新しい版になります。「承認して確定」で確定します。</p>}
      <div className="grid gap-2 md:grid-cols-2">
        {SOAP_SECTIONS.filter((sec) => !intake || sec.key === 'subjective').map((sec, i) => (
          <div key={sec.key} className={cx('flex flex-col gap-0.5', intake && 'md:col-span-2')}>
            <div className="flex items-center gap-2">
              <label htmlFor={`note-${sec.key}`} className="text-xs font-semibold text-teal-800">
                {intake ? INTAKE_S_LABEL : sec.label}
              </label>
              {!intake && previous && previous[sec.key].trim() !== '' && (
                // off the Tab order: Tab goes S → O → A → P; the whole-note Do has its button and Alt+C
                <button
                  type="button"
                  tabIndex={-1}
                  onClick={() => copyPrevious([sec.key])}
                  aria-label={`${sec.short}を前回カルテからコピー`}
                  className="rounded border border-teal-300 bg-white px-1.5 text-[10px] text-teal-800 hover:bg-teal-50"
                >
                  前回{sec.short}
                </button>
              )}
              {!intake && sec.key === 'plan' && viewer.isDoctor && (
                // the P section orders tests too (検査オーダー, Alt+T); off the Tab order like the Do buttons
                <button
                  type="button"
                  tabIndex={-1}
                  onClick={() => dispatchChartCommand('order-lab')}
                  className="rounded border border-teal-300 bg-white px-1.5 text-[10px] text-teal-800 hover:bg-teal-50"
                >
                  検査を依頼
                </button>
              )}
            </div>
            <textarea
              id={`note-${sec.key}`}
              ref={(el) => {
                sectionRefs.current[sec.key] = el;
                if (i === 0) first.current = el;
              }}
              onKeyDown={(e) => {
                if (!expandPhrase(e, sec.key)) moveSection(e, i);
              }}
              rows={3}
              placeholder={intake ? '主訴: \n問診: ' : undefined}
              value={values[sec.key]}
              onChange={set(sec.key)}
              aria-invalid={!!errors[sec.key]}
              className={cx(inputClass, 'resize-y font-[inherit] leading-snug')}
            />
            {errors[sec.key] && <p className="text-xs text-red-600">{errors[sec.key]}</p>}
          </div>
        ))}
      </div>
      <div className="flex flex-col gap-0.5">
        <div className="text-xs">
          <label htmlFor="note-vitals-line" className="font-semibold text-teal-800">
            バイタル（1行で入力）
          </label>
          <span className="ml-2 text-slate-500">例: {VITALS_LINE_EXAMPLE}</span>
        </div>
        <input
          id="note-vitals-line"
          ref={vitalsLineRef}
          autoComplete="off"
          value={vitalsLine}
          onChange={(e) => onVitalsLine(e.target.value)}
          onBlur={() => setVitalsLineTouched(true)}
          onKeyDown={(e) => {
            // Enter checks the line (and shows what is wrong) instead of submitting the form
            if (e.key === 'Enter' && !e.nativeEvent.isComposing) {
              e.preventDefault();
              setVitalsLineTouched(true);
            }
          }}
          aria-invalid={!!vitalsLineError && vitalsLineTouched}
          aria-describedby="note-vitals-readback"
          placeholder="128/76 72 36.5 98"
          className={cx(inputClass, 'py-1')}
        />
        {vitalsLineError && vitalsLineTouched ? (
          <p className="text-xs text-red-600" role="alert" data-testid="vitals-line-error">
            {vitalsLineError}
          </p>
        ) : (
          <p id="note-vitals-readback" className="text-xs font-medium text-slate-700" data-testid="vitals-readback" aria-live="polite">
            {vitalsReadback(values) || '—'}
          </p>
        )}
      </div>
      <fieldset className="flex flex-wrap items-end gap-x-3 gap-y-1">
        <legend className="sr-only">バイタル</legend>
        {VITAL_INPUTS.map((v) => (
          <div key={v.key} className="flex flex-col">
            <label htmlFor={`note-${v.key}`} className="text-[11px] text-slate-600">
              {v.label}
            </label>
            <div className="flex items-center gap-0.5">
              <input
                id={`note-${v.key}`}
                inputMode="decimal"
                autoComplete="off"
                value={values[v.key]}
                onChange={set(v.key)}
                aria-invalid={!!errors[v.key]}
                className={cx(fixedWidthInput, v.width, 'px-1.5 py-1 text-right')}
              />
              {v.unit && <span className="text-[11px] text-slate-500">{v.unit}</span>}
            </div>
          </div>
        ))}
        <div className="flex flex-col">
          <span className="text-[11px] text-slate-600">BMI</span>
          <span className="py-1 text-sm font-medium text-slate-800" data-testid="note-bmi">
            {bmi === null ? '—' : bmi.toFixed(1)}
          </span>
        </div>
      </fieldset>
      {VITAL_INPUTS.some((v) => errors[v.key]) && (
        <ul className="text-xs text-red-600">
          {VITAL_INPUTS.filter((v) => errors[v.key]).map((v) => (
            <li key={v.key}>{errors[v.key]}</li>
          ))}
        </ul>
      )}
      {needsReason && (
        <div className="flex flex-col gap-0.5">
          <label htmlFor="note-change-reason" className="text-xs font-medium text-slate-700">
            修正理由<span className="ml-0.5 text-red-600">*</span>
            <span className="ml-2 font-normal text-slate-500">確定済みの診療録は上書きされず、新しい版が作成されます。</span>
          </label>
          <input id="note-change-reason" value={values.changeReason} onChange={set('changeReason')} aria-invalid={!!errors.changeReason} className={inputClass} />
          {errors.changeReason && <p className="text-xs text-red-600">{errors.changeReason}</p>}
        </div>
      )}
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" variant={viewer.isDoctor ? 'secondary' : 'primary'} disabled={pending}>
          保存 <kbd className="text-[10px] opacity-90">Alt+S</kbd>
        </Button>
        {viewer.isDoctor && (!current || current.status === 'draft' || current.status === 'final' || approving) && (
          <Button onClick={confirm} disabled={pending}>
            {approving ? '承認して確定' : '確定'} <kbd className="text-[10px] opacity-90">Alt+K</kbd>
          </Button>
        )}
        <Button variant="ghost" onClick={() => (dirty && !window.confirm('保存していない内容を破棄しますか？') ? undefined : reset(true))} disabled={pending}>
          {current ? '編集をやめて新規' : 'クリア'} <kbd className="text-[10px] opacity-90">Alt+N</kbd>
        </Button>
        {pending && <span className="text-xs text-slate-500">保存中…</span>}
      </div>
    </form>
  );
}
