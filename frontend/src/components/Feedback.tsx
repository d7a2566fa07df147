import type { Feedback as FeedbackMessage } from '../state/feedback';

/** A success (polite) or failure (assertive) message after an action. */
export function Feedback({ feedback }: { feedback: FeedbackMessage | null }) {
  if (!feedback) return null;
  return feedback.kind === 'success' ? (
    <p className="feedback success" role="status">
      {feedback.text}
    </p>
  ) : (
    <p className="feedback error" role="alert">
      {feedback.text}
    </p>
  );
}
