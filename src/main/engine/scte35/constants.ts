// Named values of ANSI/SCTE 35 2023r1.

/** §9.6 Table 5: table_id of a splice_info_section. */
export const TABLE_ID_SCTE35 = 0xfc;
/** §9.6: the largest section_length (a section is at most 4096 bytes). */
export const MAX_SECTION_LENGTH = 4093;
export const MAX_SECTION_BYTES = 3 + MAX_SECTION_LENGTH;
/** §9.6: bytes before splice_command_type (table_id .. splice_command_length). */
export const SECTION_HEADER_BYTES = 13;
export const CRC_BYTES = 4;
/** §9.6.1: splice_command_length 0xFFF means "not given" (legacy encoders). */
export const SPLICE_COMMAND_LENGTH_LEGACY = 0xfff;
/** §9.6.1: the only protocol_version defined. */
export const PROTOCOL_VERSION = 0;

export const MAX_40_BIT = 2 ** 40;
export const MAX_48_BIT = 2 ** 48;

/** §10.2: identifier 'CUEI' (0x43554549) of the descriptors the standard defines. */
export const CUEI_IDENTIFIER = 0x43554549;

/** §10.2 Table 16: splice_descriptor_tag values. */
export const AVAIL_DESCRIPTOR_TAG = 0x00;
export const DTMF_DESCRIPTOR_TAG = 0x01;
export const SEGMENTATION_DESCRIPTOR_TAG = 0x02;
export const TIME_DESCRIPTOR_TAG = 0x03;
export const AUDIO_DESCRIPTOR_TAG = 0x04;

/** §10.3.3.1 Table 22: segmentation_upid_type. */
export const UPID_NOT_USED = 0x00;
export const UPID_USER_DEFINED = 0x01;
export const UPID_ISCI = 0x02;
export const UPID_AD_ID = 0x03;
export const UPID_UMID = 0x04;
export const UPID_ISAN = 0x05;
export const UPID_V_ISAN = 0x06;
export const UPID_TID = 0x07;
export const UPID_AIRING_ID = 0x08;
export const UPID_ADI = 0x09;
export const UPID_EIDR = 0x0a;
export const UPID_ATSC = 0x0b;
export const UPID_MPU = 0x0c;
export const UPID_MID = 0x0d;
export const UPID_ADS = 0x0e;
export const UPID_URI = 0x0f;
export const UPID_UUID = 0x10;
export const UPID_SCR = 0x11;

/** Table 22: name and, where fixed, the segmentation_upid_length each type requires. */
export const UPID_TYPES: ReadonlyArray<{ type: number; name: string; length?: number }> = [
  { type: UPID_NOT_USED, name: 'Not Used', length: 0 },
  { type: UPID_USER_DEFINED, name: 'User Defined' },
  { type: UPID_ISCI, name: 'ISCI', length: 8 },
  { type: UPID_AD_ID, name: 'Ad-ID', length: 12 },
  { type: UPID_UMID, name: 'UMID', length: 32 },
  { type: UPID_ISAN, name: 'ISAN', length: 8 },
  { type: UPID_V_ISAN, name: 'V-ISAN', length: 12 },
  { type: UPID_TID, name: 'TID', length: 12 },
  { type: UPID_AIRING_ID, name: 'AiringID', length: 8 },
  { type: UPID_ADI, name: 'ADI' },
  { type: UPID_EIDR, name: 'EIDR', length: 12 },
  { type: UPID_ATSC, name: 'ATSC Content Identifier' },
  { type: UPID_MPU, name: 'MPU' },
  { type: UPID_MID, name: 'MID' },
  { type: UPID_ADS, name: 'ADS Information' },
  { type: UPID_URI, name: 'URI' },
  { type: UPID_UUID, name: 'UUID', length: 16 },
  { type: UPID_SCR, name: 'SCR' },
];

/** Fixed segmentation_upid_length by type, -1 where variable or reserved. */
export const UPID_FIXED_LENGTH: Int16Array = (() => {
  const t = new Int16Array(256).fill(-1);
  for (const u of UPID_TYPES) if (u.length !== undefined) t[u.type] = u.length;
  return t;
})();

/** §10.3.3.1 Table 23: every segmentation_type_id of the 2023 edition. */
export const SEGMENTATION_TYPES = {
  NOT_INDICATED: 0x00,
  CONTENT_IDENTIFICATION: 0x01,
  PRIVATE: 0x02,
  PROGRAM_START: 0x10,
  PROGRAM_END: 0x11,
  PROGRAM_EARLY_TERMINATION: 0x12,
  PROGRAM_BREAKAWAY: 0x13,
  PROGRAM_RESUMPTION: 0x14,
  PROGRAM_RUNOVER_PLANNED: 0x15,
  PROGRAM_RUNOVER_UNPLANNED: 0x16,
  PROGRAM_OVERLAP_START: 0x17,
  PROGRAM_BLACKOUT_OVERRIDE: 0x18,
  PROGRAM_JOIN: 0x19,
  CHAPTER_START: 0x20,
  CHAPTER_END: 0x21,
  BREAK_START: 0x22,
  BREAK_END: 0x23,
  OPENING_CREDIT_START: 0x24,
  OPENING_CREDIT_END: 0x25,
  CLOSING_CREDIT_START: 0x26,
  CLOSING_CREDIT_END: 0x27,
  PROVIDER_ADVERTISEMENT_START: 0x30,
  PROVIDER_ADVERTISEMENT_END: 0x31,
  DISTRIBUTOR_ADVERTISEMENT_START: 0x32,
  DISTRIBUTOR_ADVERTISEMENT_END: 0x33,
  PROVIDER_PLACEMENT_OPPORTUNITY_START: 0x34,
  PROVIDER_PLACEMENT_OPPORTUNITY_END: 0x35,
  DISTRIBUTOR_PLACEMENT_OPPORTUNITY_START: 0x36,
  DISTRIBUTOR_PLACEMENT_OPPORTUNITY_END: 0x37,
  PROVIDER_OVERLAY_PLACEMENT_OPPORTUNITY_START: 0x38,
  PROVIDER_OVERLAY_PLACEMENT_OPPORTUNITY_END: 0x39,
  DISTRIBUTOR_OVERLAY_PLACEMENT_OPPORTUNITY_START: 0x3a,
  DISTRIBUTOR_OVERLAY_PLACEMENT_OPPORTUNITY_END: 0x3b,
  PROVIDER_PROMO_START: 0x3c,
  PROVIDER_PROMO_END: 0x3d,
  DISTRIBUTOR_PROMO_START: 0x3e,
  DISTRIBUTOR_PROMO_END: 0x3f,
  UNSCHEDULED_EVENT_START: 0x40,
  UNSCHEDULED_EVENT_END: 0x41,
  ALTERNATE_CONTENT_OPPORTUNITY_START: 0x42,
  ALTERNATE_CONTENT_OPPORTUNITY_END: 0x43,
  PROVIDER_AD_BLOCK_START: 0x44,
  PROVIDER_AD_BLOCK_END: 0x45,
  DISTRIBUTOR_AD_BLOCK_START: 0x46,
  DISTRIBUTOR_AD_BLOCK_END: 0x47,
  NETWORK_START: 0x50,
  NETWORK_END: 0x51,
} as const;

/** Readable names of Table 23, by segmentation_type_id. */
export const SEGMENTATION_TYPE_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(SEGMENTATION_TYPES).map(([key, id]) => [
    id,
    key
      .toLowerCase()
      .split('_')
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join(' '),
  ]),
);

/** The End type that closes each Start type of Table 23 (Start + 1). */
export function segmentationEndTypeFor(startTypeId: number): number | undefined {
  const name = SEGMENTATION_TYPE_NAMES.get(startTypeId);
  if (name === undefined || !name.endsWith(' Start')) return undefined;
  const end = startTypeId + 1;
  return SEGMENTATION_TYPE_NAMES.get(end)?.endsWith(' End') ? end : undefined;
}
