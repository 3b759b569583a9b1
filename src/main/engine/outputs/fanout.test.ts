import { describe, expect, it } from 'vitest';
import type { OutputKind } from '../../../shared/outputs.ts';
import { OutputError } from './errors.ts';
import { OutputFanout } from './fanout.ts';
import { OutputBase } from './output-base.ts';
import { capturingLogger } from '../../../../tests/support/outputs.ts';

/** Packets numbered in their payload, so order and integrity can be checked. */
function packets(from: number, count: number): Buffer {
  const bytes = Buffer.alloc(count * 188, 0xff);
  for (let i = 0; i < count; i++) {
    bytes[i * 188] = 0x47;
    bytes.writeUInt32BE(from + i, i * 188 + 4);
  }
  return bytes;
}

function numbers(bytes: Buffer): number[] {
  const out: number[] = [];
  for (let p = 0; p < bytes.length; p += 188) out.push(bytes.readUInt32BE(p + 4));
  return out;
}

class MemoryOutput extends OutputBase {
  readonly received: Buffer[] = [];
  constructor(id: string, kind: OutputKind = 'recording') {
    super({ id, kind, logger: capturingLogger().logger, queueBytes: 1 << 20, target: 'memory' });
  }
  start(): void {
    this.setState('running', undefined);
  }
  async stop(): Promise<void> {
    this.setState('stopped', 'stopped');
  }
  write(chunk: Buffer): void {
    this.received.push(chunk);
    this.delivered(chunk.length);
  }
}

class ThrowingOutput extends MemoryOutput {
  override write(): void {
    throw new Error('broken output');
  }
}

/** Never takes anything off its queue: a destination that stopped reading. */
class StuckOutput extends MemoryOutput {
  override write(chunk: Buffer): void {
    this.queue.push(chunk);
  }
  get dropped(): number {
    return this.queue.droppedBytes;
  }
}

describe('OutputFanout', () => {
  it('hands every output the same whole packets, whatever the producer chunking', () => {
    const fanout = new OutputFanout();
    const a = new MemoryOutput('a');
    const b = new MemoryOutput('b', 'srt');
    fanout.add(a);
    fanout.add(b);
    const input = packets(0, 100);
    let offset = 0;
    for (const size of [1, 187, 188, 189, 1000, 3, 5000, 100000]) {
      fanout.write(input.subarray(offset, Math.min(input.length, offset + size)));
      offset = Math.min(input.length, offset + size);
    }
    for (const output of [a, b]) {
      expect(output.received.every((chunk) => chunk.length % 188 === 0 && chunk.length > 0)).toBe(true);
      expect(Buffer.concat(output.received).equals(input)).toBe(true);
    }
    expect(a.received.map((c) => c.buffer)).toEqual(b.received.map((c) => c.buffer)); // one copy, shared
    expect(fanout.stats).toMatchObject({ bytesIn: input.length, packetsOut: 100, syncLosses: 0 });
  });

  it('copies: a producer reusing its buffer does not change what outputs hold', () => {
    const fanout = new OutputFanout();
    const a = new MemoryOutput('a');
    fanout.add(a);
    const reused = packets(7, 2);
    fanout.write(reused);
    reused.fill(0);
    expect(numbers(a.received[0]!)).toEqual([7, 8]);
  });

  it('finds the sync byte again after garbage', () => {
    const fanout = new OutputFanout();
    const a = new MemoryOutput('a');
    fanout.add(a);
    fanout.write(Buffer.concat([Buffer.from([1, 2, 3]), packets(0, 3)]));
    fanout.write(Buffer.concat([packets(3, 2), Buffer.alloc(50, 0x11), packets(5, 3)]));
    fanout.write(packets(8, 1));
    expect(numbers(Buffer.concat(a.received))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(fanout.stats.bytesSkipped).toBe(53);
  });

  it('isolates outputs: one that throws or stops reading costs the others nothing', () => {
    const { logger, lines } = capturingLogger();
    const fanout = new OutputFanout({ logger });
    const good = new MemoryOutput('good');
    const stuck = new StuckOutput('stuck');
    fanout.add(new ThrowingOutput('throws'));
    fanout.add(stuck);
    fanout.add(good);
    for (let i = 0; i < 2000; i++) fanout.write(packets(i * 7, 7));
    expect(numbers(Buffer.concat(good.received)).length).toBe(14_000);
    expect(fanout.stats.outputErrors).toBe(2000);
    expect(lines[0]).toContain('output throws: write threw');
    // The stuck output's queue stays bounded: oldest whole chunks dropped, counted.
    expect(stuck.status().droppedBytes).toBe(2000 * 1316 - Math.floor((1 << 20) / 1316) * 1316);
    expect(stuck.status().droppedBytes % 188).toBe(0);
  });

  it('refuses a second output with the same id; passes on status changes', async () => {
    const fanout = new OutputFanout();
    fanout.add(new MemoryOutput('x'));
    expect(() => fanout.add(new MemoryOutput('x'))).toThrow(OutputError);
    const seen: string[] = [];
    fanout.onStatus((status) => seen.push(`${status.id}:${status.state}`));
    fanout.startAll();
    await fanout.stopAll();
    expect(seen).toEqual(['x:running', 'x:stopped']);
    expect(fanout.remove('x')?.id).toBe('x');
    expect(fanout.list()).toEqual([]);
  });
});
