'use client';

/** The recharts line chart of one item: reference range as a shaded band, points coloured by H/L. Loaded lazily. */
import { CartesianGrid, Line, LineChart, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { LabTrendDto } from '@/lib/records/lab-results/lab-result.dto';

const COLORS = { H: '#b91c1c', L: '#1d4ed8', N: '#0f766e' } as const;

type Point = { t: number; value: number; label: string; display: string; flag: 'H' | 'L' | 'N' | null };

function Dot(props: { cx?: number; cy?: number; payload?: Point }) {
  const { cx, cy, payload } = props;
  if (cx == null || cy == null || !payload) return null;
  const fill = payload.flag ? COLORS[payload.flag] : '#475569';
  return <circle cx={cx} cy={cy} r={payload.flag === 'H' || payload.flag === 'L' ? 5 : 4} fill={fill} stroke="#fff" strokeWidth={1} />;
}

export default function LabTrendChart({ trend }: { trend: LabTrendDto }) {
  const data: Point[] = trend.points
    .filter((p) => p.value != null)
    .map((p) => ({ t: new Date(p.collectedAt).getTime(), value: p.value!, label: p.collectedAtJst, display: p.valueDisplay, flag: p.flag }));
  const values = data.map((d) => d.value);
  const low = trend.reference?.low ?? null;
  const high = trend.reference?.high ?? null;
  const lo = Math.min(...values, ...(low != null ? [low] : []));
  const hi = Math.max(...values, ...(high != null ? [high] : []));
  const pad = (hi - lo) * 0.1 || Math.abs(hi) * 0.1 || 1;
  const domain: [number, number] = [Math.max(0, Math.floor((lo - pad) * 100) / 100), Math.ceil((hi + pad) * 100) / 100];
  const fmtDate = (t: number) => new Date(t + 9 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '/');
  return (
    <div className="h-72 w-full" data-testid="lab-trend-chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={fmtDate} fontSize={11} padding={{ left: 16, right: 16 }} />
          <YAxis domain={domain} fontSize={11} width={48} />
          {(low != null || high != null) && (
            <ReferenceArea y1={low ?? domain[0]} y2={high ?? domain[1]} fill="#14b8a6" fillOpacity={0.12} stroke="none" ifOverflow="extendDomain" />
          )}
          <Tooltip
            labelFormatter={(t) => fmtDate(Number(t))}
            formatter={(_v, _n, item) => {
              const p = (item as { payload?: Point }).payload;
              const mark = p?.flag === 'H' ? ' ↑高値' : p?.flag === 'L' ? ' ↓低値' : '';
              return [`${p?.display ?? ''}${trend.unitDisplay ? ` ${trend.unitDisplay}` : ''}${mark}`, trend.itemName];
            }}
          />
          <Line type="linear" dataKey="value" stroke="#64748b" strokeWidth={1.5} dot={<Dot />} activeDot={{ r: 6 }} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
