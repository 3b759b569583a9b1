import { describe, expect, it } from 'vitest';
import { SendBudget, type WebSocketLimits } from './ws-limits.ts';

const limits: WebSocketLimits = { maxConnections: 4, maxCommandsInFlight: 2, softBufferBytes: 1000, slowConsumerGraceMs: 10_000, hardBufferBytes: 8000 };

describe("a WebSocket consumer's send budget", () => {
  it('sends while the consumer keeps up', () => {
    const budget = new SendBudget(limits);
    expect(budget.verdict(0, 0)).toEqual({ action: 'send' });
    expect(budget.verdict(999, 1)).toEqual({ action: 'send' });
  });

  it('sheds events above the soft cap, and closes a consumer that stays above it past the grace', () => {
    const budget = new SendBudget(limits);
    expect(budget.verdict(1000, 0)).toEqual({ action: 'shed-events' });
    expect(budget.verdict(5000, 9_999)).toEqual({ action: 'shed-events' });
    const verdict = budget.verdict(1500, 10_000);
    expect(verdict).toMatchObject({ action: 'close', reason: expect.stringContaining('reads too slowly') });
  });

  it('forgives a consumer that catches up before the grace ends', () => {
    const budget = new SendBudget(limits);
    expect(budget.verdict(2000, 0).action).toBe('shed-events');
    expect(budget.verdict(10, 9_000).action).toBe('send');
    expect(budget.verdict(2000, 12_000).action).toBe('shed-events');
    expect(budget.verdict(2000, 21_999).action).toBe('shed-events');
    expect(budget.verdict(2000, 22_000).action).toBe('close');
  });

  it('closes at once above the hard cap', () => {
    const budget = new SendBudget(limits);
    const verdict = budget.verdict(8000, 0);
    expect(verdict.action).toBe('close');
    expect(verdict).toMatchObject({ reason: expect.stringContaining('over the 0.0 MB cap') });
  });
});
