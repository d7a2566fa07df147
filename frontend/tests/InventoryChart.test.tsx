import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InventoryChart } from '../src/components/chart/InventoryChart';
import { epochSecondsToDmy } from '../src/lib/dates';
import { plots } from './fakes/fakeUplot';

const products = [
  { product_id: 1, product_name: 'Apples' },
  { product_id: 2, product_name: 'Pears' },
];
const rows = [
  { product_id: 1, product_name: 'Apples', date: '2025-01-01', inventory_level: 4 },
  { product_id: 2, product_name: 'Pears', date: '2025-01-02', inventory_level: 9 },
];
const noop = () => {};

afterEach(() => {
  plots.length = 0;
});

describe('InventoryChart', () => {
  it('asks for a product when none is selected', () => {
    render(<InventoryChart products={[]} rows={[]} status="idle" error={null} onRetry={noop} />);
    expect(screen.getByTestId('chart-placeholder')).toHaveTextContent('Pick a product');
    expect(plots).toHaveLength(0);
  });

  it('draws loading and error states instead of a blank box', () => {
    const onRetry = vi.fn();
    const { rerender } = render(<InventoryChart products={products} rows={[]} status="loading" error={null} onRetry={onRetry} />);
    expect(screen.getByTestId('chart-placeholder')).toHaveTextContent('Loading inventory…');
    rerender(<InventoryChart products={products} rows={[]} status="error" error="Server down" onRetry={onRetry} />);
    expect(screen.getByRole('alert')).toHaveTextContent('Could not load the inventory: Server down');
    act(() => screen.getByRole('button', { name: 'Try again' }).click());
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it('draws one stepped series per product with names in the legend and dates on x', () => {
    render(<InventoryChart products={products} rows={rows} status="ready" error={null} onRetry={noop} />);
    expect(screen.getByRole('list', { name: 'Chart legend' })).toHaveTextContent('Apples (#1)Pears (#2)');
    const plot = plots[0]!;
    expect(plot.data).toEqual([expect.any(Array), [4, 4], [null, 9]]);
    expect(plot.opts.series.slice(1).every((s) => typeof s.paths === 'function')).toBe(true);
    expect(plot.opts.scales?.x?.time).toBe(true);
    const xValue = plot.opts.series[0]!.value as (u: unknown, v: number) => string;
    expect(xValue(plot, plot.data[0][1]!)).toBe('02-01-2025');
    expect(epochSecondsToDmy(plot.data[0][0]!)).toBe('01-01-2025');
  });

  it('feeds new rows to the same chart and rebuilds it when the products change', () => {
    const { rerender } = render(
      <InventoryChart products={products} rows={rows} status="ready" error={null} onRetry={noop} />,
    );
    const more = [...rows, { product_id: 2, product_name: 'Pears', date: '2025-01-03', inventory_level: 1 }];
    rerender(<InventoryChart products={products} rows={more} status="ready" error={null} onRetry={noop} />);
    expect(plots).toHaveLength(1);
    expect(plots[0]!.data[2]).toEqual([null, 9, 1]);

    rerender(<InventoryChart products={products.slice(0, 1)} rows={more} status="ready" error={null} onRetry={noop} />);
    expect(plots).toHaveLength(2);
    expect(plots[0]!.destroyed).toBe(true);
  });

  it('follows the width of its container', () => {
    let notify: () => void = noop;
    vi.stubGlobal(
      'ResizeObserver',
      class {
        constructor(callback: () => void) {
          notify = callback;
        }
        observe() {}
        disconnect() {}
      },
    );
    render(<InventoryChart products={products} rows={rows} status="ready" error={null} onRetry={noop} />);
    const host = screen.getByTestId('chart-host');
    Object.defineProperty(host, 'clientWidth', { value: 777, configurable: true });
    act(() => notify());
    expect(plots[0]!.width).toBe(777);
  });
});
