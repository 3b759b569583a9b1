import { useId, type ReactElement, type ReactNode } from 'react';

/** A labelled input with the engine's error for its field shown right under it. */
export function Field({
  label,
  error,
  errorTestId,
  className,
  children,
}: {
  label: string;
  error: string | null;
  errorTestId?: string;
  className?: string;
  children: (props: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactElement;
}) {
  const id = useId();
  const errorId = useId();
  return (
    <div className={`field ${className ?? ''}`}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {children({ id, ...(error ? { 'aria-invalid': true as const, 'aria-describedby': errorId } : {}) })}
      {error ? (
        <p id={errorId} className="field__error" role="alert" data-testid={errorTestId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** An error that names no field of the form (or a field the form has no input for). */
export function FormError({ children, testId }: { children: ReactNode; testId?: string }) {
  if (!children) return null;
  return (
    <p className="field__error" role="alert" data-testid={testId}>
      {children}
    </p>
  );
}

/**
 * The engine's message for a field, without what the input already says: its command and argument
 * ('outputs.create: argument "settings.latencyMs" must be …' → 'must be …').
 */
export function fieldErrorText(message: string, field: string): string {
  const escaped = field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return message.replace(new RegExp(`^[\\w.]+: argument "${escaped}" `), '').replace(new RegExp(`^${escaped}: `), '');
}
