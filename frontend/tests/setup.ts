import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

// uPlot draws on a real canvas, which jsdom does not have; the fake records
// what the chart was asked to draw instead.
vi.mock('uplot', () => import('./fakes/fakeUplot'));

afterEach(() => {
  cleanup();
  window.history.replaceState(null, '', '/');
});
