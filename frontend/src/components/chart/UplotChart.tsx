// React wrapper around one uPlot instance: created when the set of series
// changes, fed new data otherwise, sized to its container by a ResizeObserver.
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartSeries } from '../../lib/series';
import { buildChartOptions, CHART_HEIGHT } from './chartOptions';

interface Props {
  series: ChartSeries;
}

function toAligned(series: ChartSeries): uPlot.AlignedData {
  return [series.xs, ...series.levels];
}

export function UplotChart({ series }: Props) {
  const hostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const seriesRef = useRef(series);
  const [zoomed, setZoomed] = useState(false);
  const labelsKey = series.labels.join('\n');

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const labels = labelsKey.split('\n');
    const options = buildChartOptions(labels, Math.max(host.clientWidth, 300), {
      onZoomChange: setZoomed,
      // Exposed for the end-to-end test and for anyone profiling in devtools.
      onDrawn: (ms) => void (host.dataset.drawMs = ms.toFixed(1)),
    });
    const plot = new uPlot(options, toAligned(seriesRef.current), host);
    plotRef.current = plot;
    return () => {
      plot.destroy();
      plotRef.current = null;
    };
  }, [labelsKey]);

  useEffect(() => {
    if (seriesRef.current === series) return;
    seriesRef.current = series;
    plotRef.current?.setData(toAligned(series));
    setZoomed(false);
  }, [series]);

  useEffect(() => {
    const host = hostRef.current;
    if (!host || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      const width = host.clientWidth;
      const plot = plotRef.current;
      if (plot && width > 0 && width !== plot.width) plot.setSize({ width, height: CHART_HEIGHT });
    });
    observer.observe(host);
    return () => observer.disconnect();
  }, []);

  function resetZoom() {
    const plot = plotRef.current;
    const xs = seriesRef.current.xs;
    const min = xs[0];
    const max = xs[xs.length - 1];
    if (plot && min !== undefined && max !== undefined) plot.setScale('x', { min, max });
    setZoomed(false);
  }

  return (
    <div className="chart">
      <div className="chart-toolbar">
        <span className="hint">Drag across the chart to zoom into a range.</span>
        <button type="button" onClick={resetZoom} disabled={!zoomed}>
          Reset zoom
        </button>
      </div>
      <div
        ref={hostRef}
        className="chart-host"
        data-testid="chart-host"
        data-series-count={series.labels.length}
        data-point-count={series.xs.length}
      />
    </div>
  );
}
