import { benchLocalcloudDescribe } from '../localcloud-describe.js';
import type { Figure } from '../support/figure.js';

/** Issue 2's figure: a Describe call through the SDK on loopback answers within 2 ms at p50. */
export const localcloudDescribe: Figure = {
  id: 0,
  name: 'localcloud Describe latency',
  sizes: '2,000 DescribeServices / DescribeTargetGroups calls against 50 services',
  unavailable: async () => null,
  async run() {
    const { p50Ms, p99Ms, n } = await benchLocalcloudDescribe();
    return {
      metrics: [
        {
          label: 'Describe p50',
          unit: 'ms',
          value: p50Ms,
          target: { on: 'value', op: '<=', limit: 2, text: '<= 2 ms' },
        },
        { label: 'Describe p99', unit: 'ms', value: p99Ms },
      ],
      notes: [`${n} calls through @aws-sdk/client-ecs and client-elastic-load-balancing-v2`],
    };
  },
};
