import { describe, expect, it } from 'vitest';
import { latestCommitter } from './latest-commit.ts';

/** A send whose calls the test answers one by one. */
function controlledSend() {
  const sent: number[] = [];
  const answers: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  const send = (value: number) =>
    new Promise<void>((resolve, reject) => {
      sent.push(value);
      answers.push({ resolve, reject });
    });
  return { sent, answers, send };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('latestCommitter (the fader’s way to the engine)', () => {
  it('sends the first value at once, then only the newest of those pushed while it was out', async () => {
    const { sent, answers, send } = controlledSend();
    const settled: unknown[] = [];
    const committer = latestCommitter(send, (error) => settled.push(error));
    committer.push(-1);
    committer.push(-2);
    committer.push(-3);
    committer.push(-4);
    expect(sent).toEqual([-1]);
    expect(committer.busy).toBe(true);
    answers[0]!.resolve();
    await flush();
    expect(sent).toEqual([-1, -4]);
    expect(settled).toEqual([]);
    answers[1]!.resolve();
    await flush();
    expect(committer.busy).toBe(false);
    expect(settled).toEqual([null]);
    committer.push(-5);
    expect(sent).toEqual([-1, -4, -5]);
  });

  it('on a refusal, drops what waited and settles with the error', async () => {
    const { sent, answers, send } = controlledSend();
    const settled: unknown[] = [];
    const committer = latestCommitter(send, (error) => settled.push(error));
    committer.push(30);
    answers[0]!.reject(new Error('gainDb must be ≤ 24'));
    await flush();
    expect(sent).toEqual([30]);
    expect(settled).toHaveLength(1);
    expect((settled[0] as Error).message).toMatch(/≤ 24/);
    expect(committer.busy).toBe(false);
  });
});
