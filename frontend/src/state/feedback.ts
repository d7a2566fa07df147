/** A message shown after an action: success is announced politely, errors at once. */
export interface Feedback {
  kind: 'success' | 'error';
  text: string;
}
