// Stands in for uPlot in jsdom: keeps the options and data it was given and
// renders the legend labels as text so tests can read them like a user would.
import type uPlot from 'uplot';

export const plots: FakeUplot[] = [];

export default class FakeUplot {
  static paths = { stepped: () => () => null };
  static tzDate = (date: Date) => date;

  opts: uPlot.Options;
  data: uPlot.AlignedData;
  width: number;
  height: number;
  destroyed = false;
  scales: Record<string, { min?: number; max?: number }> = { x: {} };
  private root: HTMLElement;

  constructor(opts: uPlot.Options, data: uPlot.AlignedData, target: HTMLElement) {
    this.opts = opts;
    this.data = data;
    this.width = opts.width;
    this.height = opts.height;
    this.root = document.createElement('div');
    this.root.className = 'fake-uplot';
    const legend = document.createElement('ul');
    legend.setAttribute('aria-label', 'Chart legend');
    for (const s of opts.series.slice(1)) {
      const item = document.createElement('li');
      item.textContent = String(s.label ?? '');
      legend.appendChild(item);
    }
    this.root.appendChild(legend);
    target.appendChild(this.root);
    plots.push(this);
  }

  setData(data: uPlot.AlignedData) {
    this.data = data;
  }

  setSize(size: { width: number; height: number }) {
    this.width = size.width;
    this.height = size.height;
  }

  setScale(key: string, limits: { min: number; max: number }) {
    this.scales[key] = limits;
  }

  destroy() {
    this.destroyed = true;
    this.root.remove();
  }
}
