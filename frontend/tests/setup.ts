import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

// uPlot draws on a real canvas, which jsdom does not have; the fake records
// what the chart was asked to draw instead.
vi.mock('uplot', () => import('./fakes/fakeUplot'));

// findBy/waitFor give the app up to 5 s (not 1 s) to show something, so a
// loaded machine makes a test slower rather than failing it.
configure({ asyncUtilTimeout: 5_000 });

// jsdom has <dialog> but not its methods; these do what the tests rely on.
if (typeof HTMLDialogElement.prototype.showModal !== 'function') {
  HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
    this.open = false;
    this.dispatchEvent(new Event('close'));
  };
}

afterEach(() => {
  cleanup();
  sessionStorage.clear();
  localStorage.clear();
  window.history.replaceState(null, '', '/');
});
