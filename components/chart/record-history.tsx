/** 履歴（全版） of one kind of chart record: a card per record, a row per version (真正性: 取消 stays visible). */
import type { ReactNode } from 'react';
import { formatDateTimeJst } from '@/lib/core/dates';
import type { VersionedRecordDto, VersionHistoryDto } from '@/lib/records/versioned-record.dto';
import { Badge, Card, LinkButton, PageTitle, cx } from '@/components/ui/ui';

/** A column after 版 and 記録日時・記録者. */
export type HistoryColumn<D> = { header: string; className?: string; cell: (v: D) => ReactNode };

export function RecordHistory<D extends VersionedRecordDto>({
  title,
  patient,
  emptyText,
  history,
  lead,
  name,
  state,
  columns,
}: {
  title: string;
  patient: { id: string; fullName: string };
  emptyText: string;
  history: VersionHistoryDto<D>[];
  /** shown before the name in the card title */
  lead?: (latest: D) => ReactNode;
  name: (latest: D) => ReactNode;
  /** the record's state in the card title, unless it was 取消 */
  state: (latest: D) => ReactNode;
  columns: HistoryColumn<D>[];
}) {
  return (
    <div className="mx-auto max-w-5xl">
      <PageTitle actions={<LinkButton href={`/patients/${patient.id}`}>カルテへ戻る</LinkButton>}>
        {title} <span className="text-base font-normal text-slate-500">{patient.fullName}</span>
      </PageTitle>
      {history.length === 0 && <p className="text-sm text-slate-500">{emptyText}</p>}
      <div className="flex flex-col gap-3">
        {history.map(({ lineageId, latest, versions }) => (
          <div key={lineageId} id={`record-${lineageId}`} className="scroll-mt-14">
          <Card
            title={
              <span className="flex flex-wrap items-center gap-2">
                {lead?.(latest)}
                <span className={latest.status === 'entered_in_error' ? 'text-slate-500 line-through' : ''}>{name(latest)}</span>
                {latest.status === 'entered_in_error' ? <Badge tone="red">取消</Badge> : state(latest)}
              </span>
            }
          >
            <div className="overflow-x-auto">
              <table className="w-full text-sm">
                <thead className="text-left text-xs text-slate-500">
                  <tr>
                    <th className="py-1 pr-2">版</th>
                    <th className="py-1 pr-2">記録日時・記録者</th>
                    {columns.map((c) => (
                      <th key={c.header} className="py-1 pr-2">
                        {c.header}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {versions.map((v) => (
                    <tr key={v.id} className="border-t border-slate-100 align-top">
                      <td className="py-1 pr-2">第{v.version}版{v.isLatest && <span className="ml-1 text-xs text-teal-700">（最新）</span>}</td>
                      <td className="py-1 pr-2 text-xs">
                        {formatDateTimeJst(new Date(v.createdAt))}
                        <br />
                        {v.recordedByName ?? '不明な職員'}
                      </td>
                      {columns.map((c) => (
                        <td key={c.header} className={cx('py-1 pr-2', c.className)}>
                          {c.cell(v)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
          </div>
        ))}
      </div>
    </div>
  );
}

/** The reason a version was made and the record's memo. */
export function ReasonAndNote({ v }: { v: { changeReason: string | null; note: string | null } }) {
  return (
    <>
      {v.changeReason && <div className="text-slate-600">理由: {v.changeReason}</div>}
      {v.note && <div className="text-slate-500">メモ: {v.note}</div>}
    </>
  );
}
