// Every section a break sends, decoded back through the codec and checked field by field.
import { describe, expect, it } from 'vitest';
import { decodeSection, encodeSection, type SegmentationDescriptor, type SpliceInsertCommand, type TimeSignalCommand } from '../scte35/index.ts';
import { breakCancelSection, breakEndSection, breakStartSection, type BreakSignal } from './signals.ts';

const none = { type: 'none' } as const;

function roundTrip(bytes: Uint8Array) {
  const section = decodeSection(bytes);
  // Byte-exact: encoding the decoded section gives the same bytes (and the CRC checked on decode).
  expect(Buffer.from(encodeSection(section)).equals(Buffer.from(bytes))).toBe(true);
  return section;
}

describe('break signals: splice_insert (default style)', () => {
  const signal: BreakSignal = { style: 'splice_insert', eventId: 42, upid: none };

  it('cue-out: out of network at the splice PTS, break_duration with auto_return = the real duration', () => {
    const section = roundTrip(breakStartSection(signal, 8_589_000_000, 2_700_000));
    const command = section.splice_command as SpliceInsertCommand;
    expect(section.splice_command_type).toBe(0x05);
    expect(command.splice_event_id).toBe(42);
    expect(command.splice_event_cancel_indicator).toBe(false);
    expect(command.out_of_network_indicator).toBe(true);
    expect(command.splice_immediate_flag).toBe(false);
    expect(command.splice_time).toMatchObject({ time_specified_flag: true, pts_time: 8_589_000_000 });
    expect(command.duration_flag).toBe(true);
    expect(command.break_duration).toMatchObject({ auto_return: true, duration: 2_700_000 });
    expect(section.descriptors).toEqual([]);
  });

  it('cue-in: out_of_network 0, the same event id, at the return PTS', () => {
    const command = roundTrip(breakEndSection(signal, 123_456)).splice_command as SpliceInsertCommand;
    expect(command.splice_event_id).toBe(42);
    expect(command.out_of_network_indicator).toBe(false);
    expect(command.splice_time).toMatchObject({ time_specified_flag: true, pts_time: 123_456 });
    expect(command.duration_flag).toBe(false);
  });

  it('cancel: splice_event_cancel_indicator for the event id', () => {
    const command = roundTrip(breakCancelSection(signal)).splice_command as SpliceInsertCommand;
    expect(command.splice_event_id).toBe(42);
    expect(command.splice_event_cancel_indicator).toBe(true);
    expect(command.out_of_network_indicator).toBeUndefined();
  });
});

describe('break signals: time_signal styles', () => {
  for (const [style, start, end] of [
    ['time_signal_placement_opportunity', 0x34, 0x35],
    ['time_signal_advertisement', 0x30, 0x31],
  ] as const) {
    it(`${style}: start 0x${start.toString(16)} with segmentation_duration, end 0x${end.toString(16)}, cancel`, () => {
      const signal: BreakSignal = { style, eventId: 7, upid: none };
      const startSection = roundTrip(breakStartSection(signal, 900_000, 5_400_000));
      expect(startSection.splice_command_type).toBe(0x06);
      expect((startSection.splice_command as TimeSignalCommand).splice_time).toMatchObject({ time_specified_flag: true, pts_time: 900_000 });
      const startDescriptor = startSection.descriptors[0] as SegmentationDescriptor;
      expect(startSection.descriptors).toHaveLength(1);
      expect(startDescriptor).toMatchObject({
        name: 'segmentation_descriptor',
        segmentation_event_id: 7,
        segmentation_event_cancel_indicator: false,
        segmentation_type_id: start,
        segmentation_duration_flag: true,
        segmentation_duration: 5_400_000,
        segmentation_upid_type: 0,
      });

      const endSection = roundTrip(breakEndSection(signal, 6_300_000));
      expect((endSection.splice_command as TimeSignalCommand).splice_time).toMatchObject({ pts_time: 6_300_000 });
      expect(endSection.descriptors[0]).toMatchObject({ segmentation_event_id: 7, segmentation_type_id: end, segmentation_duration_flag: false });

      const cancel = roundTrip(breakCancelSection(signal));
      expect((cancel.splice_command as TimeSignalCommand).splice_time).toMatchObject({ time_specified_flag: false });
      expect(cancel.descriptors[0]).toMatchObject({ segmentation_event_id: 7, segmentation_event_cancel_indicator: true });
      expect((cancel.descriptors[0] as SegmentationDescriptor).segmentation_type_id).toBeUndefined();
    });
  }

  it('an ADI UPID (0x09) carries the string', () => {
    const signal: BreakSignal = { style: 'time_signal_placement_opportunity', eventId: 9, upid: { type: 'adi', value: 'PREFIX:studio.example/break-9' } };
    const descriptor = roundTrip(breakStartSection(signal, 1, 90_000)).descriptors[0] as SegmentationDescriptor;
    expect(descriptor.segmentation_upid_type).toBe(0x09);
    expect(descriptor.segmentation_upid?.text).toBe('PREFIX:studio.example/break-9');
  });

  it('an MPU UPID (0x0C) carries its format_identifier and private data', () => {
    const signal: BreakSignal = { style: 'time_signal_advertisement', eventId: 10, upid: { type: 'mpu', formatIdentifier: 'ABCD', privateData: '0102FF' } };
    const descriptor = roundTrip(breakEndSection(signal, 5)).descriptors[0] as SegmentationDescriptor;
    expect(descriptor.segmentation_upid_type).toBe(0x0c);
    expect(descriptor.segmentation_upid?.mpu).toEqual({ format_identifier: 'ABCD', private_data: '0102ff' });
  });
});
