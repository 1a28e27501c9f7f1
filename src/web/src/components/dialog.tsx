import { type ReactNode, useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '@/components/button.tsx';
import { Icon } from '@/components/icons.tsx';

interface DialogProps {
  isOpen: boolean;
  title: ReactNode;
  description?: ReactNode;
  onClose: () => void;
  children: ReactNode;
  /** Buttons shown at the bottom right. */
  footer?: ReactNode;
  size?: 'md' | 'lg';
  testId?: string;
}

/**
 * A modal on the native `<dialog>`: the browser provides the focus trap, Escape to close, the backdrop
 * and `role="dialog"` with `aria-modal`; focus goes back to the opener on close.
 */
export function Dialog({
  isOpen,
  title,
  description,
  onClose,
  children,
  footer,
  size = 'md',
  testId,
}: DialogProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || !isOpen) return;
    // Remember the opener ourselves: the browser only restores focus on close(), not when the
    // dialog is removed from the page, which happens when its owner unmounts it.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, [isOpen]);

  return (
    // Escape is handled natively (the cancel event); the backdrop click is a mouse-only extra.
    // biome-ignore lint/a11y/useKeyWithClickEvents: keyboard users close with Escape or the Close button
    <dialog
      ref={ref}
      className={`dialog dialog-${size}`}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      // close() queues its event: one from an earlier close can come after the dialog opened again
      // (Back pressed again right after "Rester"), and must not close the new one.
      onClose={() => {
        if (!ref.current?.open) onClose();
      }}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClick={(event) => {
        // A click on the backdrop lands on the <dialog> element itself.
        if (event.target === ref.current) onClose();
      }}
      data-testid={testId}
    >
      {isOpen ? (
        <div className="dialog-content">
          <header className="dialog-header">
            <div>
              <h2 id={titleId} className="dialog-title">
                {title}
              </h2>
              {description ? (
                <p id={descriptionId} className="dialog-description">
                  {description}
                </p>
              ) : null}
            </div>
            <button type="button" className="icon-button" onClick={onClose} aria-label={t('common.close')}>
              <Icon name="close" />
            </button>
          </header>
          <div className="dialog-body">{children}</div>
          {footer ? <footer className="dialog-footer">{footer}</footer> : null}
        </div>
      ) : null}
    </dialog>
  );
}

/** A footer's Cancel (which closes the dialog), then the dialog's own action. */
function CancelThen({ onCancel, children }: { onCancel: () => void; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <>
      <Button onClick={onCancel}>{t('common.cancel')}</Button>
      {children}
    </>
  );
}

interface ConfirmDialogProps extends Omit<DialogProps, 'footer'> {
  /** The button that does what the dialog asks about. */
  confirm: ReactNode;
}

/** A dialog that asks before acting: Cancel, then `confirm`. */
export function ConfirmDialog({ confirm, ...dialog }: ConfirmDialogProps) {
  return <Dialog {...dialog} footer={<CancelThen onCancel={dialog.onClose}>{confirm}</CancelThen>} />;
}

interface FormDialogProps extends Omit<DialogProps, 'isOpen' | 'footer'> {
  /** The id of the form in `children` that the primary button submits. */
  formId: string;
  submitLabel: ReactNode;
  isSubmitting: boolean;
  /** Once done, the form's outcome replaces it: no description, and Close (after `doneActions`) ends it. */
  isDone?: boolean;
  doneActions?: ReactNode;
}

/** A dialog around one form: Cancel and the form's submit button, then, once done, Close. */
export function FormDialog({
  formId,
  submitLabel,
  isSubmitting,
  isDone = false,
  doneActions,
  description,
  ...dialog
}: FormDialogProps) {
  const { t } = useTranslation();
  return (
    <Dialog
      {...dialog}
      isOpen
      description={isDone ? undefined : description}
      footer={
        isDone ? (
          <>
            {doneActions}
            <Button variant="primary" onClick={dialog.onClose}>
              {t('common.close')}
            </Button>
          </>
        ) : (
          <CancelThen onCancel={dialog.onClose}>
            <Button type="submit" form={formId} variant="primary" isBusy={isSubmitting}>
              {submitLabel}
            </Button>
          </CancelThen>
        )
      }
    />
  );
}
