// `npm run bench -- scte35 [--seconds N]`: decodes/s and encodes/s of the SCTE-35 codec over the
// standard's §14 samples and the splice_null heartbeat, on one core (this thread), next to a
// reference measured in the same run: copying each sample into a Buffer and running a plain
// bitwise CRC-32/MPEG-2 over it (the least any decoder that checks the CRC must do, done naively).
import { ALL_SAMPLES, STANDARD_SAMPLES, THREEFIVE_SAMPLES } from '../src/main/engine/scte35/fixtures/samples.ts';
import { crc32Mpeg2, decodeSection, encodeSection, parseSectionText, type SpliceInfoSection } from '../src/main/engine/scte35/index.ts';

const TARGET_DECODES_PER_SECOND = 1_000_000;
const TARGET_ENCODES_PER_SECOND = 500_000;

function bitwiseCrc(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    crc ^= bytes[i]! << 24;
    for (let b = 0; b < 8; b++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
  }
  return crc >>> 0;
}

/** Runs `op` over the inputs round-robin for about `ms` milliseconds; returns operations per second. */
function rate<T>(inputs: readonly T[], op: (x: T) => unknown, ms: number): number {
  let sink = 0;
  // Warm up so the JIT has compiled the hot path before timing.
  for (let i = 0; i < 20_000; i++) sink ^= op(inputs[i % inputs.length]!) ? 1 : 0;
  let count = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 10_000; i++) sink ^= op(inputs[i % inputs.length]!) ? 1 : 0;
    count += 10_000;
    now = performance.now();
  }
  if (sink === 0.5) console.log(sink); // keeps the results alive
  return Math.round((count * 1000) / (now - start));
}

export default async function scte35Bench(args: string[]): Promise<object> {
  const secondsArg = args.indexOf('--seconds');
  const ms = secondsArg >= 0 ? Number(args[secondsArg + 1]) * 1000 : 1500;
  const names = [...Object.keys(STANDARD_SAMPLES), 'splice_null heartbeat'];
  const bytes = [...Object.values(STANDARD_SAMPLES), THREEFIVE_SAMPLES.spliceNull].map((b64) => parseSectionText(b64));
  const sections: SpliceInfoSection[] = bytes.map((b) => decodeSection(b));
  const meanBytes = bytes.reduce((n, b) => n + b.length, 0) / bytes.length;

  const referenceCopyAndBitwiseCrc = rate(bytes, (b) => bitwiseCrc(Buffer.from(b)), ms);
  const tableCrc = rate(bytes, (b) => crc32Mpeg2(b), ms);
  const decodesPerSecond = rate(bytes, (b) => decodeSection(b), ms);
  const encodesPerSecond = rate(sections, (s) => encodeSection(s), ms);
  const allFixturesDecodesPerSecond = rate(
    ALL_SAMPLES.map(([, b64]) => parseSectionText(b64)),
    (b) => decodeSection(b),
    ms,
  );

  return {
    benchmark: 'scte35',
    node: process.version,
    cores_used: 1,
    samples: names,
    mean_section_bytes: Number(meanBytes.toFixed(1)),
    decodes_per_second: decodesPerSecond,
    encodes_per_second: encodesPerSecond,
    decodes_per_second_all_fixtures: allFixturesDecodesPerSecond,
    reference: {
      what: 'Buffer copy + bitwise CRC-32/MPEG-2 per sample, same samples, same run',
      per_second: referenceCopyAndBitwiseCrc,
      table_crc_only_per_second: tableCrc,
      decode_vs_reference: Number((decodesPerSecond / referenceCopyAndBitwiseCrc).toFixed(2)),
      encode_vs_reference: Number((encodesPerSecond / referenceCopyAndBitwiseCrc).toFixed(2)),
    },
    targets: { decodes_per_second: TARGET_DECODES_PER_SECOND, encodes_per_second: TARGET_ENCODES_PER_SECOND },
    meets_targets: { decode: decodesPerSecond >= TARGET_DECODES_PER_SECOND, encode: encodesPerSecond >= TARGET_ENCODES_PER_SECOND },
  };
}
