// Static pictures of the program (images, colours, text, slates): rasterized once by sharp and
// handed to the compositor, with errors that name the source.
import type { Compositor, StaticImage } from '../compositor/index.ts';
import { ProgramError } from './errors.ts';
import { errorMessage } from '../errors.ts';

/** Rasterizes a static picture for source `id`; a failure names the source. */
export async function rasterizeFor(id: string, make: () => Promise<StaticImage>): Promise<StaticImage> {
  try {
    return await make();
  } catch (error) {
    throw new ProgramError('SOURCE_FAILED', `source ${id}: cannot rasterize: ${errorMessage(error)}`, { field: 'id', cause: error });
  }
}

/** Hands a rasterized image to the compositor; one it refuses gives its frame memory back. */
export function placeStatic(compositor: Compositor, id: string, image: StaticImage): void {
  try {
    compositor.setStaticSource(id, image);
  } catch (error) {
    image.pool.dispose();
    throw error;
  }
}
