/**
 * Warm capacity (warm-capacity.tf), checked offline like the rest of the module: an on-demand group with
 * a warm pool behind a second capacity provider, created only when warm_pool_size > 0, never a warm pool
 * on the spot group (AWS refuses one on a mixed instances policy).
 */

import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  block,
  blocks,
  loadModule,
  resource,
  type TerraformModule,
  variableDefault,
} from './checks/terraform-config.js';

const here = dirname(fileURLToPath(import.meta.url));
const ref = (expression: string) => `\${${expression}}`;

let tf: TerraformModule;
beforeAll(async () => {
  tf = await loadModule(here);
});

describe('warm capacity', () => {
  it('is off by default and sized by one validated variable; names match localcloud', () => {
    expect(variableDefault(tf, 'warm_pool_size')).toBe(0);
    expect(variableDefault(tf, 'warm_pool_state')).toBe('Stopped');
    expect(variableDefault(tf, 'warm_asg_name')).toBe('openclaw-warm-asg');
    expect(variableDefault(tf, 'warm_capacity_provider_name')).toBe('openclaw-warm');
    for (const name of ['warm_pool_size', 'warm_pool_state'])
      expect(blocks(tf.variables.get(name), 'validation')).toHaveLength(1);
    expect(tf.locals.warm_capacity).toBe(ref('var.warm_pool_size > 0'));
  });

  it('the on-demand group: created only with a pool, one launch template (no mixed policy), a fixed-size pool', () => {
    const warm = resource(tf, 'aws_autoscaling_group', 'warm');
    expect(warm).toMatchObject({
      count: ref('local.warm_capacity ? 1 : 0'),
      name: ref('var.warm_asg_name'),
      min_size: 0,
      vpc_zone_identifier: ref('local.compute_subnet_ids'),
      protect_from_scale_in: true,
    });
    expect(warm).not.toHaveProperty('mixed_instances_policy');
    expect(block(warm, 'launch_template')).toMatchObject({ id: ref('aws_launch_template.ecs.id') });
    expect(block(warm, 'warm_pool')).toEqual({
      pool_state: ref('var.warm_pool_state'),
      min_size: ref('var.warm_pool_size'),
      max_group_prepared_capacity: ref('var.warm_pool_size'),
    });
    expect(blocks(warm, 'tag')).toContainEqual({
      key: 'AmazonECSManaged',
      value: true,
      propagate_at_launch: true,
    });
    expect(block(warm, 'lifecycle')?.ignore_changes).toEqual([ref('desired_capacity')]);
  });

  it('the spot group never has a warm pool (AWS refuses one with a mixed instances policy)', () => {
    const spot = resource(tf, 'aws_autoscaling_group', 'ecs');
    expect(spot).toHaveProperty('mixed_instances_policy');
    expect(spot).not.toHaveProperty('warm_pool');
  });

  it('the launch template serves both: an instance type for the plain group, the agent waits out the pool', () => {
    const template = resource(tf, 'aws_launch_template', 'ecs');
    expect(template.instance_type).toBe(ref('var.instance_types[0]'));
    expect(String(tf.locals.ecs_agent_config)).toContain('ECS_WARM_POOLS_CHECK=true');
  });

  it('its capacity provider scales the warm group like the spot one, and joins the cluster; the default stays spot', () => {
    const provider = resource(tf, 'aws_ecs_capacity_provider', 'warm');
    expect(provider.count).toBe(ref('local.warm_capacity ? 1 : 0'));
    expect(provider.name).toBe(ref('var.warm_capacity_provider_name'));
    const asgProvider = block(provider, 'auto_scaling_group_provider');
    expect(asgProvider).toMatchObject({
      auto_scaling_group_arn: ref('aws_autoscaling_group.warm[0].arn'),
      managed_termination_protection: 'ENABLED',
      managed_draining: 'ENABLED',
    });
    expect(block(asgProvider, 'managed_scaling')).toMatchObject({ status: 'ENABLED', target_capacity: 100 });
    const association = resource(tf, 'aws_ecs_cluster_capacity_providers', 'this');
    expect(String(association.capacity_providers)).toContain('aws_ecs_capacity_provider.warm[*].name');
    expect(blocks(association, 'default_capacity_provider_strategy')).toEqual([
      { capacity_provider: ref('aws_ecs_capacity_provider.spot.name'), weight: 1, base: 0 },
    ]);
  });
});
