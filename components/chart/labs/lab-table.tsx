/** 時系列表: items as rows, collection dates (newest first) as columns, H/L coloured. Server-renderable. */
import type { LabTableDto } from '@/lib/records/lab-results/lab-result.dto';
import { cx } from '@/components/ui/ui';
import { LabValue } from './lab-flag';

export function LabTable({ table }: { table: LabTableDto }) {
  if (table.rows.length === 0) return <p className="text-sm text-slate-500">表示できる検査結果はありません。</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full border-collapse text-sm" data-testid="lab-table">
        <thead>
          <tr className="border-b border-slate-200 text-xs text-slate-500">
            <th scope="col" className="sticky left-0 bg-white py-1 pr-3 text-left font-normal">項目</th>
            <th scope="col" className="px-2 py-1 text-left font-normal">単位</th>
            <th scope="col" className="px-2 py-1 text-left font-normal">基準範囲</th>
            {table.dates.map((d) => (
              <th key={d} scope="col" className="whitespace-nowrap px-2 py-1 text-right font-normal">
                {d.slice(0, 4)}
                <br />
                <span className="text-sm text-slate-700">{d.slice(5).replace('-', '/')}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((r) => (
            <tr key={r.itemKey} className="border-b border-slate-100 hover:bg-slate-50">
              <th scope="row" className="sticky left-0 bg-white py-1 pr-3 text-left font-normal whitespace-nowrap">{r.itemName}</th>
              <td className="px-2 py-1 text-xs text-slate-500 whitespace-nowrap">{r.unitDisplay ?? ''}</td>
              <td className="px-2 py-1 text-xs text-slate-500 whitespace-nowrap">{r.referenceLabel}</td>
              {r.cells.map((c, i) => (
                <td
                  key={table.dates[i]}
                  className={cx('px-2 py-1 text-right whitespace-nowrap', c?.flag === 'H' && 'bg-red-50', c?.flag === 'L' && 'bg-blue-50')}
                  title={c ? `採取 ${c.collectedAtJst}${c.version > 1 ? `（訂正 第${c.version}版）` : ''}` : undefined}
                >
                  {c ? <LabValue value={c.valueDisplay} flag={c.flag} /> : <span className="text-slate-500">−</span>}
                  {c && c.version > 1 && <sup className="ml-0.5 text-[10px] text-amber-700">訂</sup>}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
