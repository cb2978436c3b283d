import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatDateTime, formatNumber } from './format';

/** One line (or bar series) of a {@link TimeChart}. */
export interface ChartSeries {
  label: string;
  /** Unit shown on the axis and in the legend; series with different units get their own axis. */
  unit?: string;
  color?: string;
  /** Draw bars instead of a line. */
  bars?: boolean;
}

/** x values (Unix seconds, or category indexes with `categories`), then one array per series. */
export type ChartData = [number[], ...(number | null)[][]];

const PALETTE = ['#0a7d4f', '#175cd3', '#b54708', '#9e3a8c', '#5b6470'];

/**
 * A uPlot chart over time (or over categories such as months) that fills its container's width.
 * It is a picture for sighted users: `summary` (e.g. the latest value) is its text alternative.
 * @example
 * <TimeChart title={t('power')} summary={formatPower(now)} series={[{ label: t('power'), unit: 'kW' }]} data={[xs, kw]} />
 */
export function TimeChart({ title, summary, series, data, height = 240, categories, emptyText, xLabel }: {
  title: string;
  summary: string;
  series: ChartSeries[];
  data: ChartData;
  height?: number;
  /** Labels for x = 0, 1, 2...: the x axis shows them instead of times. */
  categories?: string[];
  /** Shown over the chart when there is no point yet. */
  emptyText?: string;
  /** Legend name of the x values; default "Time" (or "Period" with categories), translated. */
  xLabel?: string;
}) {
  const { t, i18n } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // uPlot's own legend names the x series "Time" or "Value" in English: name it in the UI language.
  const xName = xLabel ?? (categories ? t('common:chart.period') : t('common:chart.time'));
  // Recreate the chart only when its shape changes (language included), not for every new point.
  const shape = useMemo(() => JSON.stringify({ series, categories, height, xName, lang: i18n.resolvedLanguage }), [series, categories, height, xName, i18n.resolvedLanguage]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const css = getComputedStyle(document.documentElement);
    const fg = css.getPropertyValue('--muted').trim() || '#5b6470';
    const grid = css.getPropertyValue('--line').trim() || '#d9dee5';
    const units = [...new Set(series.map((s) => s.unit ?? ''))];
    const cats = categories;
    const opts: uPlot.Options = {
      width: Math.max(el.clientWidth, 200),
      height,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: cats ? { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] } : { time: true }, ...Object.fromEntries(units.map((u) => [u || 'y', { auto: true, range: (_u: uPlot, min: number, max: number): uPlot.Range.MinMax => [Math.min(0, min), max > 0 ? max * 1.1 : 1] }])) },
      axes: [
        {
          stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid },
          ...(cats
            ? { values: (_u: uPlot, splits: number[]) => splits.map((v) => (Number.isInteger(v) ? (cats[v] ?? '') : '')), splits: () => cats.map((_, i) => i) }
            : { values: (_u: uPlot, splits: number[], _a: number, _s: number, incr: number) => timeTicks(splits, incr, i18n.resolvedLanguage ?? 'en') }),
        },
        ...units.map((u, i) => ({
          scale: u || 'y', side: i === 0 ? 3 : 1, stroke: fg, grid: { show: i === 0, stroke: grid, width: 1 }, ticks: { stroke: grid },
          label: u || undefined, size: 60,
        } as uPlot.Axis)),
      ],
      series: [
        {
          label: xName,
          // The legend shows the hovered x as a category or a date in the UI language (uPlot's default is English).
          value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : cats ? (cats[v] ?? '') : formatDateTime(new Date(v * 1000).toISOString())),
        },
        ...series.map((s, i) => {
          const color = s.color ?? PALETTE[i % PALETTE.length]!;
          return {
            label: s.unit ? `${s.label} (${s.unit})` : s.label,
            scale: s.unit || 'y',
            stroke: color,
            width: 2,
            // Lines bridge missing samples; dots show while there are few points (one sample has no line).
            ...(s.bars ? { fill: `${color}99`, paths: uPlot.paths.bars!({ size: [0.6, 60] }), points: { show: false } } : { spanGaps: true, points: { show: (u: uPlot) => u.data[0].length < 40, size: 5 } }),
            value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : formatNumber(v, 2)),
          } satisfies uPlot.Series;
        }),
      ],
    };
    const u = new uPlot(opts, data as uPlot.AlignedData, el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(el.clientWidth, 200), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [shape]); // `shape` stands for series, categories, height and the x legend name

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  const empty = data[0].length === 0;
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div className="chart-box">
        <div ref={box} role="img" aria-label={`${title}: ${summary}`} />
        {empty && emptyText && <p className="chart-empty muted">{emptyText}</p>}
      </div>
    </figure>
  );
}

/**
 * Time axis labels in the UI language (uPlot's defaults are English, with am/pm): the date for
 * steps of a day or more, else the time of day, with seconds for steps under a minute.
 */
function timeTicks(splits: number[], incrSec: number, lang: string): string[] {
  const opts: Intl.DateTimeFormatOptions = incrSec >= 28 * 86400 ? { month: 'short', year: 'numeric' }
    : incrSec >= 86400 ? { day: 'numeric', month: 'short' }
      : incrSec < 60 ? { hour: '2-digit', minute: '2-digit', second: '2-digit' } : { hour: '2-digit', minute: '2-digit' };
  const f = new Intl.DateTimeFormat(lang, opts);
  return splits.map((v) => f.format(new Date(v * 1000)));
}
