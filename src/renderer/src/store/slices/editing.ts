import type { OutputInfo } from '../../../../shared/contract.ts';
import type { OutputSettingsEditInput } from '../../../../shared/outputs.ts';
import type { ProgramFormatSettings, SourceConfigInput, SourceInfo } from '../../../../shared/program.ts';
import type { StudioClient } from '../../api/client.ts';
import type { SliceCreator } from '../types.ts';

/** Edits after creation: a source, an output, the program format. No state of its own: the answers update the slices that show them. */
export interface EditingSliceActions {
  /** These throw a StudioApiError with the field at fault, for the dialog to show next to its input. */
  updateSource(id: number, patch: { name?: string; config?: SourceConfigInput }): Promise<SourceInfo>;
  /** keepSecret: a passphrase or stream key left out keeps the stored one (the form never sees it). */
  updateOutput(id: number, settings: OutputSettingsEditInput, keepSecret: boolean): Promise<OutputInfo>;
  /** Refused (409) while the program runs. */
  setProgramFormat(format: ProgramFormatSettings): Promise<ProgramFormatSettings>;
}

export type EditingSlice = EditingSliceActions;

export function createEditingSlice(client: StudioClient): SliceCreator<EditingSlice> {
  return (set, get) => ({
    async updateSource(id, patch) {
      const source = await client.call('sources.update', { id, ...patch });
      // sources.changed follows; this shows the answer at once.
      get().receiveSources(get().sources.map((s) => (s.id === id ? source : s)));
      return source;
    },
    async updateOutput(id, settings, keepSecret) {
      const output = await client.call('outputs.update', { id, settings, keepSecret });
      get().receiveOutputs(get().outputs.map((o) => (o.id === id ? output : o)));
      return output;
    },
    async setProgramFormat(format) {
      const stored = await client.call('program.setFormat', format);
      set({ programFormat: stored }, false, 'program/formatSet');
      return stored;
    },
  });
}
