import { INSTANCE_TAG } from '../../shared/naming.js';

/** The tag every resource of an instance carries, in each API's spelling. */
export const upperTags = (instanceId: string) => [
  { Key: INSTANCE_TAG, Value: instanceId },
  { Key: 'openclaw:managed-by', Value: 'openclaw-fleet' },
];

export const lowerTags = (instanceId: string) => [
  { key: INSTANCE_TAG, value: instanceId },
  { key: 'openclaw:managed-by', value: 'openclaw-fleet' },
];
