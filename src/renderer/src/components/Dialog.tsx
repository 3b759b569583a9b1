import { useEffect, useId, useRef, type ReactNode } from 'react';

/**
 * A modal dialog on the browser's own <dialog> (top layer, focus kept inside, Escape closes).
 * Rendered in place, not portalled, so React's key handlers inside run before window listeners.
 */
export function Dialog({
  title,
  onClose,
  testId,
  className,
  actions,
  children,
}: {
  title: string;
  onClose: () => void;
  testId?: string;
  className?: string;
  /** Buttons at the right of the title bar. */
  actions?: ReactNode;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const headingId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className={`dialog ${className ?? ''}`}
      aria-labelledby={headingId}
      data-testid={testId}
      onClose={onClose}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <header className="dialog__header">
        <h2 id={headingId} className="dialog__title">
          {title}
        </h2>
        <div className="dialog__actions">
          {actions}
          <button type="button" className="button button--small button--ghost" onClick={onClose} data-testid={testId ? `${testId}-close` : undefined}>
            Close
          </button>
        </div>
      </header>
      <div className="dialog__body">{children}</div>
    </dialog>
  );
}
