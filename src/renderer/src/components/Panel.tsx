import { useId, type ReactNode } from 'react';

interface PanelProps {
  title: string;
  /** Extra controls or a count, at the right of the title bar. */
  aside?: ReactNode;
  className?: string;
  testId?: string;
  children: ReactNode;
}

/** A dock: title bar and a scrolling body, as in OBS. */
export function Panel({ title, aside, className, testId, children }: PanelProps) {
  const headingId = useId();
  return (
    <section className={`panel ${className ?? ''}`} aria-labelledby={headingId} data-testid={testId}>
      <header className="panel__header">
        <h2 id={headingId} className="panel__title">
          {title}
        </h2>
        {aside ? <div className="panel__aside">{aside}</div> : null}
      </header>
      <div className="panel__body">{children}</div>
    </section>
  );
}

/** Says plainly that a capability does not exist yet. */
export function NotBuilt({ children, detail }: { children: ReactNode; detail?: ReactNode }) {
  return (
    <div className="not-built" role="note">
      <p className="not-built__headline">{children}</p>
      {detail ? <p className="not-built__detail">{detail}</p> : null}
    </div>
  );
}
