import { type ReactNode, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Banner } from '@/components/banner.tsx';
import { describeError } from '@/errors.ts';

export interface Feedback {
  error: string | null;
  notice: string | null;
  /** Shows what went wrong, in the reader's language (`byCode`: see `describeError`). */
  fail(cause: unknown, byCode?: Partial<Record<string, string>>): void;
  /** Shows a success notice and clears an earlier error. */
  succeed(notice: string): void;
  clearError(): void;
  clearNotice(): void;
}

/** A page's (or card's) outcome messages: the last error and the last success notice. */
export function useFeedback(): Feedback {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  return useMemo(
    () => ({
      error,
      notice,
      fail: (cause, byCode) => setError(describeError(t, cause, byCode)),
      succeed: (message) => {
        setNotice(message);
        setError(null);
      },
      clearError: () => setError(null),
      clearNotice: () => setNotice(null),
    }),
    [error, notice, t],
  );
}

/** The failed load (a query's error, which clears itself once it loads), then the feedback's banners. */
export function FeedbackBanners({
  feedback,
  loadError,
  noticeTestId,
  noticeExtra,
}: {
  feedback: Feedback;
  loadError?: unknown;
  noticeTestId?: string;
  /** Shown after the notice (a link to where to go next). */
  noticeExtra?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <>
      {loadError ? <Banner tone="error">{describeError(t, loadError)}</Banner> : null}
      {feedback.error ? (
        <Banner tone="error" onDismiss={feedback.clearError}>
          {feedback.error}
        </Banner>
      ) : null}
      {feedback.notice ? (
        <Banner tone="success" onDismiss={feedback.clearNotice} testId={noticeTestId}>
          {feedback.notice}
          {noticeExtra ? <> {noticeExtra}</> : null}
        </Banner>
      ) : null}
    </>
  );
}
