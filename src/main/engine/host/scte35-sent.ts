// A section the program sent, decoded for the people who watch it: the event clients are told,
// and the outcome the SCTE-35 log records.
import type { Scte35SentEvent } from '../../../shared/contract.ts';
import type { CueSent } from '../program/program.ts';
import { decodeSection } from '../scte35/index.ts';
import type { Scte35Outcome } from '../store/scte35-log.ts';

export function describeCueSent(sent: CueSent, now: Date): { event: Scte35SentEvent; outcome: Scte35Outcome } {
  const section = decodeSection(sent.section);
  const command = section.splice_command as { splice_event_id?: number; out_of_network_indicator?: boolean; splice_event_cancel_indicator?: boolean } | null;
  // A time_signal names its event in its segmentation_descriptor (the deck's time_signal styles).
  const segmentation = section.descriptors.find((d) => d.name === 'segmentation_descriptor');
  const event: Scte35SentEvent = {
    hex: Buffer.from(sent.section).toString('hex'),
    spliceCommandType: section.splice_command_type ?? -1,
    eventId: command?.splice_event_id ?? segmentation?.segmentation_event_id ?? null,
    outOfNetwork: command?.out_of_network_indicator ?? null,
    splicePts: sent.splicePts,
    clockPts: sent.clockPts,
    heartbeat: sent.heartbeat,
    copy: sent.copy,
    sentAt: now.toISOString(),
  };
  const cancels = command?.splice_event_cancel_indicator === true || segmentation?.segmentation_event_cancel_indicator === true;
  const outcome = sent.heartbeat ? 'heartbeat' : cancels ? 'cancel sent' : sent.copy === 1 ? 'sent' : 'repeated';
  return { event, outcome };
}
