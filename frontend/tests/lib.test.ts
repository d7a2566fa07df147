import { describe, expect, it } from 'vitest';
import { epochSecondsToDmy, isIsoDate, isoToDmy, isoToEpochSeconds } from '../src/lib/dates';
import { checkLevel } from '../src/lib/level';
import { buildChartSeries, productLabel } from '../src/lib/series';
import { sortRows } from '../src/lib/sortRows';

const row = (product_id: number, date: string, inventory_level: number, product_name = `P${product_id}`) => ({
  product_id,
  product_name,
  date,
  inventory_level,
});

describe('dates', () => {
  it('shows ISO dates as dd-mm-yyyy and round-trips through uPlot seconds in UTC', () => {
    expect(isoToDmy('2025-01-31')).toBe('31-01-2025');
    expect(epochSecondsToDmy(isoToEpochSeconds('2024-02-29'))).toBe('29-02-2024');
  });

  it('accepts only real calendar dates', () => {
    expect(isIsoDate('2025-02-28')).toBe(true);
    expect(isIsoDate('2025-02-30')).toBe(false);
    expect(isIsoDate('31-01-2025')).toBe(false);
  });
});

describe('checkLevel', () => {
  it.each([
    ['42', 42],
    [' 7 ', 7],
    ['0', 0],
  ])('accepts %j', (text, value) => {
    expect(checkLevel(text)).toEqual({ ok: true, value });
  });

  it.each([
    ['', 'Enter a level.'],
    ['-3', 'A level cannot be negative.'],
    ['1.5', 'Use a whole number, without decimals.'],
    ['2,5', 'Use a whole number, without decimals.'],
    ['abc', 'Enter a whole number, like 42.'],
    ['1e3', 'Enter a whole number, like 42.'],
    ['2147483648', 'A level can be at most 2147483647.'],
  ])('refuses %j', (text, message) => {
    expect(checkLevel(text)).toEqual({ ok: false, message });
  });
});

describe('buildChartSeries', () => {
  it('aligns products on shared dates and holds each level until its next count', () => {
    const rows = [row(1, '2025-01-01', 10), row(1, '2025-01-05', 4), row(2, '2025-01-03', 7)];
    const products = [
      { product_id: 1, product_name: 'Apples' },
      { product_id: 2, product_name: 'Pears' },
    ];
    const series = buildChartSeries(rows, products);
    expect(series.xs.map(epochSecondsToDmy)).toEqual(['01-01-2025', '03-01-2025', '05-01-2025']);
    expect(series.levels).toEqual([
      [10, 10, 4],
      [null, 7, 7],
    ]);
    expect(series.labels).toEqual(['Apples (#1)', 'Pears (#2)']);
  });

  it('leaves out a selected product that has no records', () => {
    const series = buildChartSeries([row(1, '2025-01-01', 1)], [
      { product_id: 1, product_name: 'A' },
      { product_id: 9, product_name: 'Empty' },
    ]);
    expect(series.labels).toEqual(['A (#1)']);
  });
});

describe('productLabel', () => {
  it('names a product with its unit when it has one', () => {
    expect(productLabel({ product_id: 7, product_name: 'Blue Widget', unit: 'kg' })).toBe('Blue Widget (kg) (#7)');
    expect(productLabel({ product_id: 7, product_name: 'Blue Widget', unit: '' })).toBe('Blue Widget (#7)');
    expect(productLabel({ product_id: 7, product_name: 'Blue Widget' })).toBe('Blue Widget (#7)');
  });
});

describe('sortRows', () => {
  const rows = [row(2, '2025-01-01', 5), row(1, '2025-01-02', 9), row(1, '2025-01-01', 5)];

  it('sorts by level descending, ties in product then date order', () => {
    const sorted = sortRows(rows, { key: 'inventory_level', direction: 'desc' });
    expect(sorted.map((r) => [r.product_id, r.date])).toEqual([
      [1, '2025-01-02'],
      [1, '2025-01-01'],
      [2, '2025-01-01'],
    ]);
  });

  it('sorts by date ascending', () => {
    expect(sortRows(rows, { key: 'date', direction: 'asc' }).map((r) => r.date)).toEqual([
      '2025-01-01',
      '2025-01-01',
      '2025-01-02',
    ]);
  });
});
