import { useState } from 'react';
import type { ProgramFormatSettings, SceneInfo, SourceInfo } from '../../../../shared/program.ts';
import { StudioApiError, describeError } from '../../api/errors.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { Field, FormError, fieldErrorText } from '../../components/Field.tsx';
import { useStudio } from '../../store/context.tsx';
import { applyBounds, type BoundsType, type LayerGeometry, resolveGeometry, withCrop } from './geometry.ts';
import { sourceSize, withGeometry } from './layers.ts';
import { useEditorSelection, useSelectedIndex } from './selection.ts';

type FieldName = 'x' | 'y' | 'width' | 'height' | 'crop.left' | 'crop.right' | 'crop.top' | 'crop.bottom';
type Values = Record<FieldName, string>;

const FIELDS: Array<{ name: FieldName; label: string }> = [
  { name: 'x', label: 'Position X' },
  { name: 'y', label: 'Position Y' },
  { name: 'width', label: 'Width' },
  { name: 'height', label: 'Height' },
];
const CROP_FIELDS: Array<{ name: FieldName; label: string }> = [
  { name: 'crop.left', label: 'Left' },
  { name: 'crop.right', label: 'Right' },
  { name: 'crop.top', label: 'Top' },
  { name: 'crop.bottom', label: 'Bottom' },
];

const BOUNDS_LABEL: Record<BoundsType | 'none', string> = {
  none: 'No bounds',
  fit: 'Fit: the whole source inside the box, aspect kept',
  fill: 'Fill: cover the box, aspect kept, overflow cropped',
  stretch: 'Stretch to the box',
};

function valuesOf(geometry: LayerGeometry): Values {
  return {
    x: String(geometry.x),
    y: String(geometry.y),
    width: String(geometry.width),
    height: String(geometry.height),
    'crop.left': String(geometry.crop.left),
    'crop.right': String(geometry.crop.right),
    'crop.top': String(geometry.crop.top),
    'crop.bottom': String(geometry.crop.bottom),
  };
}

/** Typed text to a number; what is not one goes to the engine as NaN (JSON null) and comes back as its field's error. */
const numberOf = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));

function geometryOf(values: Values): LayerGeometry {
  return {
    x: numberOf(values.x),
    y: numberOf(values.y),
    width: numberOf(values.width),
    height: numberOf(values.height),
    crop: {
      left: numberOf(values['crop.left']),
      right: numberOf(values['crop.right']),
      top: numberOf(values['crop.top']),
      bottom: numberOf(values['crop.bottom']),
    },
  };
}

/** OBS's Edit Transform (Ctrl+E) for the selected layer: position, size, crop, and a bounding box. */
export function TransformDialog({ scene, format, sources }: { scene: SceneInfo; format: ProgramFormatSettings; sources: SourceInfo[] }) {
  const open = useEditorSelection((s) => s.transformOpen);
  const close = useEditorSelection((s) => s.closeTransform);
  const index = useSelectedIndex(scene.id, scene.layers.length);
  if (!open || index === null) return null;
  // Keyed by the layer, so the form starts from that layer's stored geometry each time it opens.
  return <TransformForm key={`${scene.id}-${index}`} scene={scene} index={index} format={format} sources={sources} onClose={close} />;
}

function TransformForm({
  scene,
  index,
  format,
  sources,
  onClose,
}: {
  scene: SceneInfo;
  index: number;
  format: ProgramFormatSettings;
  sources: SourceInfo[];
  onClose: () => void;
}) {
  const setSceneLayers = useStudio((s) => s.setSceneLayers);
  const layer = scene.layers[index]!;
  const source = sources.find((s) => s.id === layer.sourceId);
  const size = sourceSize(sources, layer.sourceId, format);
  const stored = resolveGeometry(layer, size);
  const [values, setValues] = useState<Values>(() => valuesOf(stored));
  const [bounds, setBounds] = useState<BoundsType | 'none'>('none');
  const [box, setBox] = useState({ x: '0', y: '0', width: String(format.width), height: String(format.height) });
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const boundsInto = (type: BoundsType | 'none', nextBox: typeof box) => {
    if (type === 'none') return;
    const rect = { x: numberOf(nextBox.x), y: numberOf(nextBox.y), width: numberOf(nextBox.width), height: numberOf(nextBox.height) };
    if (Object.values(rect).some((value) => !Number.isFinite(value))) return;
    setValues(valuesOf(applyBounds(type, size, rect)));
  };

  const apply = async () => {
    setSaving(true);
    setFieldErrors({});
    setFormError(null);
    try {
      await setSceneLayers(
        scene.id,
        scene.layers.map((l, i) => (i === index ? withGeometry(l, geometryOf(values)) : l)),
      );
      onClose();
    } catch (error) {
      // The engine names the field as layers.<index>.<field>; show it next to its input.
      const prefix = `layers.${index}.`;
      const field = error instanceof StudioApiError && error.field?.startsWith(prefix) ? (error.field.slice(prefix.length) as FieldName) : null;
      if (field && [...FIELDS, ...CROP_FIELDS].some((f) => f.name === field)) {
        setFieldErrors({ [field]: fieldErrorText(describeError(error), (error as StudioApiError).field!) });
      } else setFormError(describeError(error));
    } finally {
      setSaving(false);
    }
  };

  const input = (name: FieldName, label: string) => (
    <Field key={name} label={label} error={fieldErrors[name] ?? null} errorTestId={`transform-error-${name.replace('.', '-')}`}>
      {(props) => (
        <input
          {...props}
          className="input input--small"
          type="number"
          step={1}
          value={values[name]}
          data-testid={`transform-${name.replace('.', '-')}`}
          onChange={(event) => {
            const next = { ...values, [name]: event.target.value };
            setBounds('none');
            if (fieldErrors[name]) setFieldErrors({ ...fieldErrors, [name]: undefined });
            // A crop keeps the layer's scale, as in OBS: its size follows (when every number reads).
            // A crop that leaves nothing keeps the size as typed (the engine says why on Apply); the scale
            // then comes from the stored layer again.
            const before = geometryOf(values);
            const after = geometryOf(next);
            const usable = (g: LayerGeometry) =>
              [g.width, g.height, ...Object.values(g.crop)].every(Number.isFinite) &&
              g.crop.left + g.crop.right < size.width &&
              g.crop.top + g.crop.bottom < size.height;
            if (name.startsWith('crop.') && usable(after)) {
              const cropped = withCrop(usable(before) ? before : stored, after.crop, size);
              setValues({ ...next, width: String(cropped.width), height: String(cropped.height) });
            } else setValues(next);
          }}
        />
      )}
    </Field>
  );

  return (
    <Dialog title={`Edit Transform: ${source?.name ?? `source #${layer.sourceId}`}`} onClose={onClose} testId="transform-dialog" className="transform-dialog">
      <form
        className="transform-form"
        onSubmit={(event) => {
          event.preventDefault();
          void apply();
        }}
      >
        <p className="panel__muted">
          In program pixels on a {format.width}×{format.height} canvas; the source is {size.width}×{size.height}.
        </p>
        <fieldset className="transform-form__group">
          <legend>Position and size</legend>
          {FIELDS.map((f) => input(f.name, f.label))}
        </fieldset>
        <fieldset className="transform-form__group">
          <legend>Crop (source pixels)</legend>
          {CROP_FIELDS.map((f) => input(f.name, f.label))}
        </fieldset>
        <fieldset className="transform-form__group transform-form__group--bounds">
          <legend>Bounds</legend>
          <Field label="Bounding box type" error={null} className="transform-form__wide">
            {(props) => (
              <select
                {...props}
                className="input input--small"
                value={bounds}
                data-testid="transform-bounds"
                onChange={(event) => {
                  const type = event.target.value as BoundsType | 'none';
                  setBounds(type);
                  boundsInto(type, box);
                }}
              >
                {(Object.keys(BOUNDS_LABEL) as Array<BoundsType | 'none'>).map((type) => (
                  <option key={type} value={type}>
                    {BOUNDS_LABEL[type]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {(['x', 'y', 'width', 'height'] as const).map((key) => (
            <Field key={key} label={`Box ${key === 'x' || key === 'y' ? key.toUpperCase() : key}`} error={null}>
              {(props) => (
                <input
                  {...props}
                  className="input input--small"
                  type="number"
                  step={1}
                  value={box[key]}
                  data-testid={`transform-box-${key}`}
                  onChange={(event) => {
                    const next = { ...box, [key]: event.target.value };
                    setBox(next);
                    boundsInto(bounds, next);
                  }}
                />
              )}
            </Field>
          ))}
        </fieldset>
        <FormError testId="transform-error">{formError}</FormError>
        <div className="transform-form__actions">
          <button
            type="button"
            className="button button--small button--ghost"
            data-testid="transform-reset"
            onClick={() => {
              setBounds('none');
              setValues(valuesOf({ x: 0, y: 0, width: size.width, height: size.height, crop: { left: 0, right: 0, top: 0, bottom: 0 } }));
            }}
          >
            Reset
          </button>
          <button type="submit" className="button button--small button--primary" disabled={saving} data-testid="transform-apply">
            {saving ? 'Applying…' : 'Apply'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
