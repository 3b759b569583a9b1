import { NotBuilt } from '../../components/Panel.tsx';

/** Studio mode: Preview (what goes next) on the left, Program (what is on air) on the right. */
export function ProgramPreview() {
  return (
    <section className="program-preview" aria-label="Preview and Program">
      <Monitor label="Preview" />
      <div className="program-preview__transition">
        <button type="button" className="button" disabled title="Needs the live pipeline, which is not built yet">
          Transition
        </button>
      </div>
      <Monitor label="Program" />
    </section>
  );
}

function Monitor({ label }: { label: string }) {
  return (
    <figure className="monitor">
      <figcaption className="monitor__label">{label}</figcaption>
      <div className="monitor__screen" data-testid={`monitor-${label.toLowerCase()}`}>
        <NotBuilt detail="Nothing is composed or encoded, so there is no picture to show.">
          The live pipeline is not built yet.
        </NotBuilt>
      </div>
    </figure>
  );
}
