import type { LayerSettings, SourceInfo } from '../../../../shared/program.ts';
import type { LayerGeometry, Size } from './geometry.ts';

/** The source's own size; the canvas's for a source not loaded yet. */
export function sourceSize(sources: readonly SourceInfo[], sourceId: number, canvas: Size): Size {
  const source = sources.find((s) => s.id === sourceId);
  return { width: source?.config.width ?? canvas.width, height: source?.config.height ?? canvas.height };
}

/** The layer with a new geometry, in the contract's shape. */
export function withGeometry(layer: LayerSettings, geometry: LayerGeometry): LayerSettings {
  return { ...layer, x: geometry.x, y: geometry.y, width: geometry.width, height: geometry.height, crop: { ...geometry.crop } };
}
