// uPlot options for the level-vs-date chart, kept apart from the React wrapper
// so the choices (steps, UTC dates, readout) are visible in one place.
import uPlot from 'uplot';
import { epochSecondsToDmy } from '../../lib/dates';

export const CHART_HEIGHT = 320;

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

export function seriesColor(index: number): string {
  return PALETTE[index % PALETTE.length] ?? '#2563eb';
}

// A counted level holds until the next count: step after each point.
const stepAfter = uPlot.paths.stepped?.({ align: 1 });

export interface ChartHooks {
  onZoomChange: (zoomed: boolean) => void;
  onDrawn: (ms: number) => void;
}

export function buildChartOptions(labels: readonly string[], width: number, hooks: ChartHooks): uPlot.Options {
  let drawStart = 0;
  return {
    width,
    height: CHART_HEIGHT,
    // The dates are calendar days stored at UTC midnight; show them in UTC so
    // the axis does not shift a day in western time zones.
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    scales: { x: { time: true } },
    cursor: { drag: { x: true, y: false, setScale: true } },
    legend: { live: true },
    axes: [
      {
        space: 90,
        values: (_u, splits) => splits.map((s) => epochSecondsToDmy(s)),
      },
      { label: 'Inventory level', size: 60 },
    ],
    series: [
      { label: 'Date', value: (_u, v) => (v == null ? '–' : epochSecondsToDmy(v)) },
      ...labels.map((label, i) => ({
        label,
        stroke: seriesColor(i),
        width: 2,
        paths: stepAfter,
        points: { show: false },
        value: (_u: uPlot, v: number | null) => (v == null ? '–' : String(v)),
      })),
    ],
    hooks: {
      drawClear: [() => void (drawStart = performance.now())],
      draw: [() => hooks.onDrawn(performance.now() - drawStart)],
      setScale: [
        (u, key) => {
          if (key !== 'x') return;
          const xs = u.data[0];
          const first = xs[0];
          const last = xs[xs.length - 1];
          const min = u.scales.x?.min;
          const max = u.scales.x?.max;
          hooks.onZoomChange(
            first !== undefined && last !== undefined && min != null && max != null && (min > first || max < last),
          );
        },
      ],
    },
  };
}
