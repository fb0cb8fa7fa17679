import { describe, expect, it } from 'vitest';
import { ClassifiedError } from '../errors/classified-error.js';
import { outputOf, type StepInput } from './step.js';
import { parseCheckpoint, seenWhileWaiting } from './step-outputs.js';

const input = (outputs: StepInput['outputs']) => ({ outputs }) as StepInput;

describe('step checkpoints', () => {
  it('reads an earlier step’s checkpoint as typed fields, as it was persisted', () => {
    const read = outputOf(input({ 'target-group': { targetGroupArn: 'arn:tg' } }), 'target-group');
    expect(read.targetGroupArn).toBe('arn:tg');
  });

  it('fails clearly, and for good, on a checkpoint that is missing or does not parse', () => {
    const missing = (() => {
      try {
        return outputOf(input({}), 'secret');
      } catch (error) {
        return error;
      }
    })();
    expect(ClassifiedError.is(missing) && missing.verdict).toMatchObject({
      action: 'fatal',
      code: 'CheckpointMissing',
      message: 'step secret has no checkpoint',
    });
    const corrupted = (() => {
      try {
        return parseCheckpoint('secret', {});
      } catch (error) {
        return error;
      }
    })();
    expect(ClassifiedError.is(corrupted) && corrupted.verdict).toMatchObject({
      action: 'fatal',
      code: 'CorruptCheckpoint',
      message: expect.stringMatching(/^checkpoint step:secret does not parse: secretArn: \S/),
    });
    const corrupt = () => parseCheckpoint('placement', { taskArn: 'arn:task', waitedForCapacity: 'yes' });
    expect(corrupt).toThrow(/checkpoint step:placement does not parse: waitedForCapacity/);
    expect(() => parseCheckpoint('service', { serviceArn: '' })).toThrow(/step:service.*serviceArn/);
  });

  it('reads what a waiting step saw, and nothing from a record of another shape', () => {
    const waiting = { state: 'waiting' as const, attempts: 1 };
    const seen = { waitedForCapacity: 'true', state: 'task PENDING', lastEvent: '' };
    expect(seenWhileWaiting('placement', { ...waiting, output: seen })).toEqual(seen);
    expect(seenWhileWaiting('placement', { ...waiting, output: { state: 'x' } })).toBeNull();
    expect(seenWhileWaiting('placement', waiting)).toBeNull();
  });
});
