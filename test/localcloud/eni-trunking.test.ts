import {
  DescribeContainerInstancesCommand,
  ListAccountSettingsCommand,
  ListContainerInstancesCommand,
  PutAccountSettingDefaultCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Localcloud, startLocalcloud } from '../../localcloud/index.js';
import { deployUser, FAST, group, registerGateway, service } from './capacity-helpers.js';
import { clients, errorOf, waitFor } from './helpers.js';

/**
 * awsvpcTrunking through the ECS API, as the cost model prices it: instances registered after the
 * setting hold up to 10 awsvpc tasks instead of 2, so the next limit binds (memory on c7i-flex.large:
 * 2 gateways of 1,536 MiB in 3,828; CPU on m7i-flex.large: 4 of 512 in 2,048). The bootstrapped
 * instance registered before the setting and keeps its 2.
 */
describe('localcloud: ENI trunking', () => {
  let lc: Localcloud;
  let c: ReturnType<typeof clients>;
  beforeAll(async () => {
    lc = await startLocalcloud({ port: 0, seed: 43, timing: FAST });
    c = clients(lc);
    await registerGateway(c);
  });
  afterAll(() => lc.close());

  it('PutAccountSettingDefault turns awsvpcTrunking on; ListAccountSettings shows it; bad values are rejected', async () => {
    const before = await c.ecs.send(
      new ListAccountSettingsCommand({ name: 'awsvpcTrunking', effectiveSettings: true }),
    );
    expect(before.settings?.[0]).toMatchObject({ name: 'awsvpcTrunking', value: 'disabled' });
    const put = await c.ecs.send(
      new PutAccountSettingDefaultCommand({ name: 'awsvpcTrunking', value: 'enabled' }),
    );
    expect(put.setting).toMatchObject({ name: 'awsvpcTrunking', value: 'enabled' });
    const after = await c.ecs.send(
      new ListAccountSettingsCommand({ name: 'awsvpcTrunking', effectiveSettings: true }),
    );
    expect(after.settings?.[0]?.value).toBe('enabled');
    const bad = await errorOf(() =>
      c.ecs.send(new PutAccountSettingDefaultCommand({ name: 'awsvpcTrunking', value: 'on' })),
    );
    expect(bad.name).toBe('InvalidParameterException');
  });

  it('8 gateways need 3 instances, not 4: 2 on the old instance, 2 on a trunked c7i-flex, 4 on a trunked m7i-flex', async () => {
    for (let i = 1; i <= 8; i++) await deployUser(c, lc, `t${i}`, i);
    await waitFor(
      async () => {
        for (let i = 1; i <= 8; i++) if ((await service(c, lc, `t${i}`)).runningCount !== 1) return false;
        return true;
      },
      { what: '8 running gateways', timeoutMs: 20_000 },
    );
    expect((await group(c)).Instances).toHaveLength(3);
    const arns = (await c.ecs.send(new ListContainerInstancesCommand({ cluster: lc.ids.ECS_CLUSTER })))
      .containerInstanceArns!;
    const cis = (
      await c.ecs.send(
        new DescribeContainerInstancesCommand({ cluster: lc.ids.ECS_CLUSTER, containerInstances: arns }),
      )
    ).containerInstances!;
    const byType = cis
      .map((ci) => [ci.attributes!.find((a) => a.name === 'ecs.instance-type')!.value, ci.runningTasksCount])
      .sort((a, b) => Number(a[1]) - Number(b[1]));
    expect(byType).toEqual([
      ['c7i-flex.large', 2],
      ['c7i-flex.large', 2],
      ['m7i-flex.large', 4],
    ]);
  });
});
