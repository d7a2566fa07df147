// The app opened on one product, Apples (#1), with three days of levels: the
// starting point of the table-editing and conflict tests.
import { render, screen } from '@testing-library/react';
import { App } from '../../src/App';
import { installFakeApi } from './fakeApi';

export function openApples() {
  const api = installFakeApi({ 1: 'Apples' }, [
    [1, '2025-01-01', 10],
    [1, '2025-01-02', 12],
    [1, '2025-01-03', 9],
  ]);
  window.history.replaceState(null, '', '/?product=1');
  render(<App />);
  return api;
}

export const levelInput = (dmy: string) =>
  screen.getByRole('textbox', { name: `Level of Apples on ${dmy}` });
