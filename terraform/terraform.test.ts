/**
 * The terraform root module, checked without terraform or an AWS account: every file parses with
 * terraform's HCL parser, the seed's settings hold, the worker's environment contract (shared/config.ts)
 * is met by outputs and task definitions, and the worker's IAM policy equals what its code calls.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiEnvSchema, envSpec } from '../shared/config.js';
import { defaultPriceBook, NAT_MODES } from '../shared/cost/prices.js';
import { DELETED_RETENTION_SECONDS } from '../shared/store/instance-store.js';
import { awsActionsInCode, type SourceText } from './checks/aws-calls-in-code.js';
import { impliedPermissions, requiredActions } from './checks/implied-permissions.js';
import {
  allowedActions,
  block,
  blocks,
  dataSource,
  dynamicBlock,
  loadModule,
  localObject,
  parseHcl,
  policyStatements,
  resource,
  resourcesOf,
  type TerraformModule,
  tfFileNames,
  variableDefault,
} from './checks/terraform-config.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');

let tf: TerraformModule;
beforeAll(async () => {
  tf = await loadModule(here);
});

const ref = (expression: string) => `\${${expression}}`;

function sourcesUnder(dir: string): SourceText[] {
  const root = join(repo, dir);
  let names: string[];
  try {
    names = readdirSync(root, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts'))
    .filter((name) => !name.split(/[\\/]/).includes('node_modules'))
    .map((name) => ({
      path: relative(repo, join(root, name)),
      text: readFileSync(join(root, name), 'utf8'),
    }));
}

function onPath(binary: string): boolean {
  try {
    execFileSync(binary, ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('terraform files', () => {
  it.each(tfFileNames(here))('%s parses', async (file) => {
    await expect(parseHcl(file, readFileSync(join(here, file), 'utf8'))).resolves.toBeTypeOf('object');
  });

  it('terraform.tfvars.example parses and sets every variable that has no default', async () => {
    const example = await parseHcl(
      'terraform.tfvars.example',
      readFileSync(join(here, 'terraform.tfvars.example'), 'utf8'),
    );
    const withoutDefault = [...tf.variables].filter(([, v]) => !('default' in v)).map(([name]) => name);
    expect(withoutDefault.length).toBeGreaterThan(0);
    for (const name of withoutDefault) expect(example, name).toHaveProperty(name);
  });

  it('pins the AWS provider', () => {
    const providers = block(block(tf.files.get('versions.tf'), 'terraform'), 'required_providers');
    expect(providers?.aws).toMatchObject({ source: 'hashicorp/aws' });
  });

  it('defaults variables to the seed values', () => {
    expect(variableDefault(tf, 'aws_region')).toBe('us-west-2');
    expect(variableDefault(tf, 'cluster_name')).toBe('openclaw-cluster');
    expect(variableDefault(tf, 'capacity_provider_name')).toBe('openclaw-spot');
    expect(variableDefault(tf, 'asg_name')).toBe('openclaw-ecs-asg');
    expect(variableDefault(tf, 'asg_min_size')).toBe(1);
    expect(variableDefault(tf, 'asg_max_size')).toBe(20);
    expect(variableDefault(tf, 'instance_types')).toEqual(['c7i-flex.large', 'm7i-flex.large']);
    expect(variableDefault(tf, 'gateway_cpu')).toBe(512);
    expect(variableDefault(tf, 'gateway_memory')).toBe(1536);
    expect(variableDefault(tf, 'alb_count')).toBe(1);
  });
});

describe('seed: ECS on EC2 Spot', () => {
  it('cluster openclaw-cluster with Container Insights', () => {
    const cluster = resource(tf, 'aws_ecs_cluster', 'this');
    expect(cluster.name).toBe(ref('var.cluster_name'));
    expect(blocks(cluster, 'setting')).toContainEqual({ name: 'containerInsights', value: 'enabled' });
  });

  it('capacity provider with managed scaling at 100%, termination protection and managed draining', () => {
    const provider = resource(tf, 'aws_ecs_capacity_provider', 'spot');
    expect(provider.name).toBe(ref('var.capacity_provider_name'));
    const asgProvider = block(provider, 'auto_scaling_group_provider');
    expect(asgProvider).toMatchObject({
      auto_scaling_group_arn: ref('aws_autoscaling_group.ecs.arn'),
      managed_termination_protection: 'ENABLED',
      managed_draining: 'ENABLED',
    });
    const scaling = block(asgProvider, 'managed_scaling');
    expect(scaling).toMatchObject({ status: 'ENABLED', target_capacity: 100, minimum_scaling_step_size: 1 });
    expect(scaling).toHaveProperty('maximum_scaling_step_size');

    const association = resource(tf, 'aws_ecs_cluster_capacity_providers', 'this');
    // The warm provider joins only when warm_pool_size > 0 (warm-capacity.test.ts).
    expect(association.capacity_providers).toBe(
      ref('concat([aws_ecs_capacity_provider.spot.name], aws_ecs_capacity_provider.warm[*].name)'),
    );
    expect(block(association, 'default_capacity_provider_strategy')).toMatchObject({
      capacity_provider: ref('aws_ecs_capacity_provider.spot.name'),
    });
  });

  it('ASG: 1..20, both instance types, on-demand base 1 then 100% Spot, capacity-optimized', () => {
    const asg = resource(tf, 'aws_autoscaling_group', 'ecs');
    expect(asg).toMatchObject({
      name: ref('var.asg_name'),
      min_size: ref('var.asg_min_size'),
      max_size: ref('var.asg_max_size'),
      vpc_zone_identifier: ref('local.compute_subnet_ids'), // the private subnets unless nat_mode = "public"
      protect_from_scale_in: true,
    });
    const policy = block(asg, 'mixed_instances_policy');
    expect(block(policy, 'instances_distribution')).toEqual({
      on_demand_base_capacity: 1,
      on_demand_percentage_above_base_capacity: 0,
      spot_allocation_strategy: 'capacity-optimized',
    });
    const overrides = dynamicBlock(block(policy, 'launch_template'), 'override');
    expect(overrides?.for_each).toBe(ref('var.instance_types'));
    expect(blocks(asg, 'tag')).toContainEqual({
      key: 'AmazonECSManaged',
      value: true,
      propagate_at_launch: true,
    });
    expect(block(asg, 'lifecycle')?.ignore_changes).toEqual([ref('desired_capacity')]);
  });

  it('launch template: ECS-optimized AL2023 AMI from SSM, IMDSv2 only, joins the cluster with Spot draining', () => {
    const ami = dataSource(tf, 'aws_ssm_parameter', 'ecs_ami');
    expect(ami.name).toBe('/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id');
    const template = resource(tf, 'aws_launch_template', 'ecs');
    expect(template.image_id).toContain('data.aws_ssm_parameter.ecs_ami.value');
    expect(block(template, 'metadata_options')).toMatchObject({
      http_tokens: 'required',
      http_put_response_hop_limit: 1,
    });
    expect(template.user_data).toContain('local.ecs_agent_config');
    const agentConfig = String(tf.locals.ecs_agent_config);
    expect(agentConfig).toContain(`ECS_CLUSTER=${ref('var.cluster_name')}`);
    expect(agentConfig).toContain('ECS_ENABLE_SPOT_INSTANCE_DRAINING=true');
    expect(agentConfig).toContain('ECS_ENABLE_TASK_ENI=true');
    expect(agentConfig).toContain('ECS_AWSVPC_BLOCK_IMDS=true');
    expect(block(template, 'iam_instance_profile')?.arn).toBe(
      ref('aws_iam_instance_profile.ecs_instance.arn'),
    );
    expect(resource(tf, 'aws_iam_role_policy_attachment', 'ecs_instance').policy_arn).toMatch(
      /:iam::aws:policy\/service-role\/AmazonEC2ContainerServiceforEC2Role$/,
    );
  });

  it('VPC: two public and two private subnets, private default route through a NAT gateway', () => {
    expect(resource(tf, 'aws_subnet', 'public').count).toBe(2);
    expect(resource(tf, 'aws_subnet', 'private').count).toBe(2);
    expect(resource(tf, 'aws_internet_gateway', 'this')).toBeDefined();
    expect(resource(tf, 'aws_nat_gateway', 'this').subnet_id).toContain('aws_subnet.public');
    const natRoutes = resourcesOf(tf, 'aws_route').filter(([, route]) =>
      String(route.nat_gateway_id).includes('aws_nat_gateway.this'),
    );
    expect(natRoutes).toHaveLength(1);
    const [, natRoute] = natRoutes[0]!;
    expect(natRoute.destination_cidr_block).toBe('0.0.0.0/0');
    expect(natRoute.route_table_id).toContain('aws_route_table.private');
    expect(natRoute.count).toBe(ref('var.nat_mode == "gateway" ? 2 : 0'));
    expect(resource(tf, 'aws_route_table_association', 'private')).toMatchObject({
      subnet_id: ref('aws_subnet.private[count.index].id'),
      route_table_id: ref('aws_route_table.private[count.index].id'),
    });
  });

  it('nat_mode: gateway (the default), instance or public, validated; each mode creates only its own egress', () => {
    const v = tf.variables.get('nat_mode')!;
    expect(v.default).toBe('gateway');
    const [validation] = blocks(v, 'validation');
    const condition = String(validation!.condition);
    const values = [...condition.matchAll(/"([a-z]+)"/g)].map((m) => m[1]);
    expect(condition).toContain('var.nat_mode');
    // The same three values the cost model prices (shared/cost/prices.ts).
    expect(values).toEqual([...NAT_MODES]);
    expect(String(validation!.error_message)).toMatch(/gateway.*instance.*public/);
    const gated = (type: string, name: string, mode: string) =>
      expect(String(resource(tf, type, name).count), `${type}.${name}`).toContain(
        `var.nat_mode == "${mode}"`,
      );
    gated('aws_nat_gateway', 'this', 'gateway');
    gated('aws_eip', 'nat', 'gateway');
    gated('aws_route', 'private_nat', 'gateway');
    gated('aws_instance', 'nat', 'instance');
    gated('aws_route', 'private_nat_instance', 'instance');
    const natInstance = resource(tf, 'aws_instance', 'nat');
    expect(natInstance).toMatchObject({ source_dest_check: false, associate_public_ip_address: true });
    expect(resource(tf, 'aws_route', 'private_nat_instance').network_interface_id).toContain(
      'aws_instance.nat[',
    );
    // public: instances and control-plane tasks move to the public subnets with an address each.
    expect(resource(tf, 'aws_autoscaling_group', 'ecs').vpc_zone_identifier).toBe(
      ref('local.compute_subnet_ids'),
    );
    expect(String(tf.locals.compute_subnet_ids)).toContain('var.nat_mode == "public"');
    const lt = resource(tf, 'aws_launch_template', 'ecs');
    expect(block(dynamicBlock(lt, 'network_interfaces'), 'content')).toMatchObject({
      associate_public_ip_address: true,
    });
  });

  it('awsvpcTrunking: an opt-in ECS account setting', () => {
    expect(variableDefault(tf, 'ecs_awsvpc_trunking')).toBe(false);
    expect(resource(tf, 'aws_ecs_account_setting_default', 'awsvpc_trunking')).toMatchObject({
      name: 'awsvpcTrunking',
      value: 'enabled',
      count: ref('var.ecs_awsvpc_trunking ? 1 : 0'),
    });
  });

  it('ALBs: alb_count of them, 404 default, TLS 1.3 HTTPS listener when a certificate is given', () => {
    expect(resource(tf, 'aws_lb', 'this')).toMatchObject({ count: ref('var.alb_count'), internal: false });
    const http = resource(tf, 'aws_lb_listener', 'http');
    expect(http.count).toBe(ref('var.alb_count'));
    const fixed = dynamicBlock(block(http, 'default_action'), 'fixed_response');
    expect(block(fixed, 'content')).toMatchObject({ status_code: '404' });
    const https = resource(tf, 'aws_lb_listener', 'https');
    expect(https).toMatchObject({ protocol: 'HTTPS', ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' });
  });

  it('HTTPS by default: a certificate is required unless allow_plain_http, and HTTP then redirects to HTTPS', () => {
    expect(tf.variables.get('allow_plain_http')).toMatchObject({ default: false, type: ref('bool') });
    expect(variableDefault(tf, 'certificate_arn')).toBeNull();
    const http = resource(tf, 'aws_lb_listener', 'http');
    // The plan fails without a certificate unless plain HTTP is asked for.
    const precondition = block(block(http, 'lifecycle'), 'precondition');
    expect(precondition?.condition).toBe(ref('var.certificate_arn != null || var.allow_plain_http'));
    expect(resource(tf, 'aws_lb_listener', 'https').count).toBe(
      ref('local.https_enabled ? var.alb_count : 0'),
    );
    expect(tf.locals.https_enabled).toBe(ref('var.certificate_arn != null'));
    // With a certificate, every HTTP request is answered with a permanent redirect to HTTPS on 443.
    const action = block(http, 'default_action');
    expect(action?.type).toBe(ref('local.https_enabled ? "redirect" : "fixed-response"'));
    const redirect = dynamicBlock(action, 'redirect');
    expect(redirect?.for_each).toBe(ref('local.https_enabled ? [1] : []'));
    expect(block(redirect, 'content')).toEqual({ protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' });
    // User routes and the API's sit on the HTTPS listener when there is one.
    expect(tf.locals.user_listener_arns).toBe(
      ref('local.https_enabled ? aws_lb_listener.https[*].arn : aws_lb_listener.http[*].arn'),
    );
  });

  it('never routes /metrics through the public load balancer', () => {
    const paths = variableDefault(tf, 'api_paths') as string[];
    expect(paths.some((p) => p.startsWith('/metrics'))).toBe(false);
    const validation = (tf.variables.get('api_paths') as { validation: { condition: string }[] })
      .validation[0]!;
    // The validation's own regex, run on what an operator might add.
    const pattern = /regex\("(.+?)", p\)/.exec(validation.condition)![1]!.replaceAll('\\\\', '\\');
    const refused = new RegExp(pattern);
    for (const bad of ['/metrics', '/metrics*', '/*']) expect(refused.test(bad), bad).toBe(true);
    for (const good of paths) expect(refused.test(good), good).toBe(false);
  });

  it('gateway tasks accept the gateway port from the ALB security group only', () => {
    const tasksIngress = resourcesOf(tf, 'aws_vpc_security_group_ingress_rule').filter(
      ([, rule]) => rule.security_group_id === ref('aws_security_group.tasks.id'),
    );
    expect(tasksIngress.map(([, rule]) => rule)).toEqual([
      expect.objectContaining({
        referenced_security_group_id: ref('aws_security_group.alb.id'),
        from_port: ref('var.gateway_port'),
        to_port: ref('var.gateway_port'),
      }),
    ]);
    expect(variableDefault(tf, 'gateway_port')).toBe(8080);
    expect(resourcesOf(tf, 'aws_security_group').every(([, sg]) => !('ingress' in sg))).toBe(true);
  });

  it('execution role reads per-user secrets only; the gateway task role has no permissions', () => {
    const statements = policyStatements(
      dataSource(tf, 'aws_iam_policy_document', 'gateway_execution_secrets'),
    );
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ effect: 'Allow', actions: ['secretsmanager:GetSecretValue'] });
    expect(statements[0]?.resources).toEqual([
      expect.stringMatching(/:secretsmanager:.*:secret:openclaw\/instances\/\*$/),
    ]);
    expect(resource(tf, 'aws_iam_role_policy_attachment', 'gateway_execution').policy_arn).toMatch(
      /AmazonECSTaskExecutionRolePolicy$/,
    );
    const taskRole = ref('aws_iam_role.gateway_task');
    const grants = [
      ...resourcesOf(tf, 'aws_iam_role_policy'),
      ...resourcesOf(tf, 'aws_iam_role_policy_attachment'),
    ].filter(([, body]) => String(body.role).startsWith(taskRole.slice(0, -1)));
    expect(grants).toEqual([]);
  });

  it('declares no gateway task definition: the worker registers one per user', () => {
    const families = resourcesOf(tf, 'aws_ecs_task_definition').map(([, td]) => td.family);
    expect(families.sort()).toEqual(['ocfleet-api', 'ocfleet-worker']);
    expect(resource(tf, 'aws_cloudwatch_log_group', 'gateways').retention_in_days).toBe(
      ref('var.log_retention_days'),
    );
  });

  it('ECR: immutable tags, scan on push, lifecycle expiring untagged images', () => {
    const repo = resource(tf, 'aws_ecr_repository', 'gateway');
    expect(repo.image_tag_mutability).toBe('IMMUTABLE');
    expect(block(repo, 'image_scanning_configuration')).toEqual({ scan_on_push: true });
    const lifecycle = String(resource(tf, 'aws_ecr_lifecycle_policy', 'gateway').policy);
    expect(lifecycle).toContain('"untagged"');
    expect(lifecycle).toContain('var.ecr_keep_images');
  });
});

describe('control plane', () => {
  it('Redis: noeviction, encrypted in transit and at rest, a replica in the second AZ with failover', () => {
    const params = resource(tf, 'aws_elasticache_parameter_group', 'redis');
    expect(blocks(params, 'parameter')).toContainEqual({ name: 'maxmemory-policy', value: 'noeviction' });
    expect(resource(tf, 'aws_elasticache_replication_group', 'redis')).toMatchObject({
      parameter_group_name: ref('aws_elasticache_parameter_group.redis.name'),
      transit_encryption_enabled: true,
      at_rest_encryption_enabled: true,
      num_cache_clusters: 2,
      automatic_failover_enabled: true,
      multi_az_enabled: true,
    });
    expect(resource(tf, 'aws_elasticache_subnet_group', 'redis').subnet_ids).toBe(
      ref('aws_subnet.private[*].id'),
    );
    const ingress = resourcesOf(tf, 'aws_vpc_security_group_ingress_rule').filter(
      ([, rule]) => rule.security_group_id === ref('aws_security_group.redis.id'),
    );
    expect(ingress.map(([, rule]) => rule)).toEqual([
      expect.objectContaining({
        from_port: 6379,
        to_port: 6379,
        referenced_security_group_id: ref('aws_security_group.control_plane.id'),
      }),
    ]);
    expect(tf.locals.redis_url).toMatch(/^rediss:\/\/.*primary_endpoint_address.*:6379$/);
  });

  it('keeps its names out of the worker-managed openclaw-* space and its own cluster', () => {
    for (const [, td] of resourcesOf(tf, 'aws_ecs_task_definition'))
      expect(td.family).not.toMatch(/^openclaw-/);
    for (const [, tg] of resourcesOf(tf, 'aws_lb_target_group')) expect(tg.name).not.toMatch(/^openclaw-/);
    for (const [, service] of resourcesOf(tf, 'aws_ecs_service')) {
      expect(service.cluster).toBe(ref('aws_ecs_cluster.control_plane.id'));
    }
    for (const [, secret] of resourcesOf(tf, 'aws_secretsmanager_secret')) {
      expect(secret.name).not.toMatch(/^openclaw\/instances\//);
      expect(secret).not.toHaveProperty('secret_string');
    }
    expect(resourcesOf(tf, 'aws_secretsmanager_secret_version')).toEqual([]);
  });

  it('routes the API on the first ALB below the worker-allocated priorities (1000+)', () => {
    const rule = resource(tf, 'aws_lb_listener_rule', 'api');
    expect(rule.listener_arn).toBe(ref('local.user_listener_arns[0]'));
    expect(rule.priority).toBe(ref('var.control_plane_rule_priority + count.index'));
    const base = Number(variableDefault(tf, 'control_plane_rule_priority'));
    const paths = variableDefault(tf, 'api_paths') as string[];
    expect(base + Math.ceil(paths.length / 5)).toBeLessThan(1000);
    expect(paths).toEqual(
      expect.arrayContaining(['/v1/*', '/admin/*', '/docs*', '/openapi.json', '/signup*', '/dashboard*']),
    );
  });
});

describe('env contract with shared/config.ts', () => {
  const forService = (service: 'api' | 'worker') => envSpec.filter((spec) => spec.services.includes(service));

  /** The environment and secrets locals a control-plane task definition's container reads. */
  function containerEnv(service: 'api' | 'worker'): {
    environment: Record<string, string>;
    secrets: Record<string, string>;
  } {
    const definitions = String(resource(tf, 'aws_ecs_task_definition', service).container_definitions);
    const environment = /environment\s*=\s*\[for\s+\w+,\s*\w+\s+in\s+local\.(\w+)\s*:/.exec(definitions)?.[1];
    const secrets =
      /secrets\s*=\s*\[for\s+\w+,\s*\w+\s+in\s+local\.(\w+)\s*:\s*\{\s*name\s*=\s*\w+,\s*valueFrom/.exec(
        definitions,
      )?.[1];
    if (!environment || !secrets)
      throw new Error(`${service}: container_definitions must build environment and secrets from locals`);
    return { environment: localObject(tf, environment), secrets: localObject(tf, secrets) };
  }

  it('has a terraform output for every required, non-secret worker variable', () => {
    const names = forService('worker')
      .filter((spec) => spec.required && !spec.secret)
      .map((spec) => spec.name);
    expect(names).toContain('ECS_CLUSTER');
    expect(names.filter((name) => !tf.outputs.has(name))).toEqual([]);
  });

  it('outputs the very values the worker task definition gets', () => {
    const { environment } = containerEnv('worker');
    for (const [name, output] of tf.outputs) {
      if (name in environment) expect(output.value, name).toBe(ref(`local.worker_environment.${name}`));
    }
    expect(tf.outputs.get('ALB_LISTENER_ARN')?.value).toBe(ref('local.user_listener_arns[0]'));
    expect(tf.outputs.get('ALB_DNS_NAME')?.value).toBe(ref('aws_lb.this[0].dns_name'));
    expect(environment.ALB_LISTENER_ARNS).toBe(ref('join(",", local.user_listener_arns)'));
    expect(environment.REDIS_URL).toBe(ref('local.redis_url'));
  });

  it('never outputs a secret, and every output named like a variable is a known one', () => {
    const known = new Set(envSpec.map((spec) => spec.name));
    for (const name of tf.outputs.keys()) {
      if (!/^[A-Z_]+$/.test(name)) continue;
      expect(known.has(name), `${name} is not in shared/config.ts`).toBe(true);
      expect(envSpec.find((spec) => spec.name === name)?.secret, name).toBe(false);
    }
  });

  it.each(['api', 'worker'] as const)(
    '%s task definition: required variables set, secrets only from Secrets Manager',
    (service) => {
      const { environment, secrets } = containerEnv(service);
      const specs = forService(service);
      const known = new Set(specs.map((spec) => spec.name));
      for (const spec of specs.filter((s) => s.secret)) {
        expect(Object.keys(secrets), `${service} needs ${spec.name} as a secret`).toContain(spec.name);
        expect(Object.keys(environment), `${spec.name} must not be plain environment`).not.toContain(
          spec.name,
        );
        expect(secrets[spec.name]).toBe(ref(`aws_secretsmanager_secret.control_plane["${spec.name}"].arn`));
      }
      for (const spec of specs.filter((s) => s.required && !s.secret)) {
        expect(Object.keys(environment), `${service} needs ${spec.name}`).toContain(spec.name);
      }
      for (const name of [...Object.keys(environment), ...Object.keys(secrets)]) {
        expect(known.has(name), `${service} does not read ${name}`).toBe(true);
      }
      expect(
        Object.keys(secrets).filter((name) => !envSpec.find((spec) => spec.name === name)?.secret),
      ).toEqual([]);
    },
  );

  it('signup page: off by default, set from variables, and the plan refuses it without its settings', () => {
    expect(tf.variables.get('signup_page')).toMatchObject({ default: false, type: ref('bool') });
    const { environment } = containerEnv('api');
    expect(environment.SIGNUP_PAGE).toBe(ref('tostring(var.signup_page)'));
    expect(environment.PUBLIC_URL).toBe(ref('var.public_url'));
    expect(environment.MAIL_FROM).toBe(ref('var.mail_from'));
    const precondition = block(
      block(resource(tf, 'aws_ecs_task_definition', 'api'), 'lifecycle'),
      'precondition',
    );
    expect(precondition?.condition).toBe(
      ref('!var.signup_page || (var.public_url != "" && var.mail_from != "")'),
    );
    // public_url's validation accepts only what the API's PUBLIC_URL schema accepts.
    const validation = (tf.variables.get('public_url') as { validation: { condition: string }[] })
      .validation[0]!;
    const pattern = /regex\("(.+?)", var\.public_url\)/
      .exec(validation.condition)![1]!
      .replaceAll('\\\\', '\\');
    const accepted = new RegExp(pattern);
    const publicUrl = apiEnvSchema.shape.PUBLIC_URL;
    for (const good of ['https://fleet.example.com', 'http://localhost:3000', 'https://example.com/fleet']) {
      expect(accepted.test(good), good).toBe(true);
      expect(publicUrl.safeParse(good).success, good).toBe(true);
    }
    for (const bad of ['fleet.example.com', 'ftp://example.com', 'https://', 'https://a b.com']) {
      expect(accepted.test(bad), bad).toBe(false);
    }
  });

  it('creates a Secrets Manager secret for every secret variable, and no other', () => {
    const secretNames = envSpec.filter((spec) => spec.secret).map((spec) => spec.name);
    expect([...(tf.locals.control_plane_secret_names as string[])].sort()).toEqual(secretNames.sort());
  });
});

describe('worker IAM policy equals what the code calls', () => {
  const workerScan = awsActionsInCode(sourcesUnder('worker'));
  const scan = awsActionsInCode([...sourcesUnder('worker'), ...sourcesUnder('shared')]);
  const workerWritten = workerScan.actions.size > 0;
  if (!workerWritten) {
    console.warn(
      '[terraform.test] worker/ sends no AWS command yet: skipping the worker IAM exactness check until it does.',
    );
  }

  it('knows the IAM prefix of every AWS client the code imports', () => {
    expect(scan.unknownClients).toEqual([]);
  });

  it.skipIf(!workerWritten)('allows exactly the called actions plus the documented implied ones', () => {
    const required = requiredActions(scan.actions);
    const allowed = allowedActions(dataSource(tf, 'aws_iam_policy_document', 'worker'));
    const missing = [...required].filter((action) => !allowed.has(action)).sort();
    const stale = [...allowed].filter((action) => !required.has(action)).sort();
    const implied = impliedPermissions.map((p) => `  ${p.action}: ${p.why}`).join('\n');
    expect(
      { missing, stale },
      [
        'terraform/control-plane-iam.tf (data "aws_iam_policy_document" "worker") and the code disagree.',
        `missing: called by the code (${missing.map((a) => `${a} in ${scan.sites.get(a)?.join(', ') ?? 'implied'}`).join('; ')}) but not allowed.`,
        `stale: allowed but never called; if the worker code that calls them is not written yet, this is expected until it is.`,
        `implied permissions:\n${implied}`,
      ].join('\n'),
    ).toEqual({ missing: [], stale: [] });
  });

  it('grants the worker role this one policy, with no wildcard actions', () => {
    const grants = [
      ...resourcesOf(tf, 'aws_iam_role_policy'),
      ...resourcesOf(tf, 'aws_iam_role_policy_attachment'),
    ].filter(([, body]) => String(body.role).includes('aws_iam_role.worker_task.'));
    expect(grants.map(([, body]) => body.policy)).toEqual([ref('data.aws_iam_policy_document.worker.json')]);
    const statements = policyStatements(dataSource(tf, 'aws_iam_policy_document', 'worker'));
    for (const statement of statements) {
      for (const action of statement.actions) expect(action, statement.sid).not.toContain('*');
    }
  });

  it('scopes what supports it: cluster, openclaw-* names, the listeners, openclaw/instances/*', () => {
    const statements = policyStatements(dataSource(tf, 'aws_iam_policy_document', 'worker'));
    const unscoped = statements
      .filter(
        (s) => s.effect === 'Allow' && JSON.stringify(s.resources) === '["*"]' && s.conditions.length === 0,
      )
      .flatMap((s) => s.actions)
      .sort();
    // Only actions without resource-level permissions (per the Service Authorization Reference).
    expect(unscoped).toEqual(
      [
        'autoscaling:DescribeAutoScalingGroups',
        'ec2:DescribeInstances',
        'ec2:DescribeSpotPriceHistory',
        'ecs:DeregisterTaskDefinition',
        'ecs:DescribeCapacityProviders',
        'ecs:DescribeTaskDefinition',
        'ecs:ListTaskDefinitionFamilies',
        'ecs:ListTaskDefinitions',
        'ecs:RegisterTaskDefinition',
        'elasticloadbalancing:DescribeRules',
        'elasticloadbalancing:DescribeTags',
        'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetHealth',
        'secretsmanager:ListSecrets',
      ].sort(),
    );
    const passRole = statements.find((s) => s.actions.includes('iam:PassRole'));
    expect(passRole?.resources).toEqual([
      ref('aws_iam_role.gateway_execution.arn'),
      ref('aws_iam_role.gateway_task.arn'),
    ]);
    expect(passRole?.conditions).toEqual([
      { test: 'StringEquals', variable: 'iam:PassedToService', values: ['ecs-tasks.amazonaws.com'] },
    ]);
    const secretStatements = statements.filter((s) =>
      s.actions.some((a) => a.startsWith('secretsmanager:') && a !== 'secretsmanager:ListSecrets'),
    );
    for (const s of secretStatements) expect(s.resources).toEqual([ref('local.instance_secrets')]);
    expect(String(tf.locals.instance_secrets)).toMatch(/:secret:openclaw\/instances\/\*$/);
    expect(String(tf.locals.user_target_groups)).toMatch(/:targetgroup\/openclaw-\*\/\*$/);
    expect(String(tf.locals.gateway_task_defs)).toMatch(/:task-definition\/openclaw-\*:\*$/);
  });
});

describe('API IAM policy equals what the code calls (the logs route)', () => {
  // api/ alone: shared/'s one AWS call (the spot price refresh) runs in the worker's sampler only.
  const apiScan = awsActionsInCode(sourcesUnder('api'));

  it('knows every client and allows exactly the called actions, nothing the worker does', () => {
    expect(apiScan.unknownClients).toEqual([]);
    const required = [...requiredActions(apiScan.actions)].sort();
    expect(required).toEqual(['logs:FilterLogEvents', 'secretsmanager:GetSecretValue']);
    expect([...allowedActions(dataSource(tf, 'aws_iam_policy_document', 'api'))].sort()).toEqual(required);
  });

  it('grants the API role this one policy, scoped to the gateway log group and the instance secrets', () => {
    const grants = [
      ...resourcesOf(tf, 'aws_iam_role_policy'),
      ...resourcesOf(tf, 'aws_iam_role_policy_attachment'),
    ].filter(([, body]) => String(body.role).includes('aws_iam_role.api_task.'));
    expect(grants.map(([, body]) => body.policy)).toEqual([ref('data.aws_iam_policy_document.api.json')]);
    const statements = policyStatements(dataSource(tf, 'aws_iam_policy_document', 'api'));
    const logs = statements.find((s) => s.actions.includes('logs:FilterLogEvents'));
    expect(logs?.resources).toEqual([
      ref('aws_cloudwatch_log_group.gateways.arn'),
      `${ref('aws_cloudwatch_log_group.gateways.arn')}:*`,
    ]);
    const secrets = statements.find((s) => s.actions.includes('secretsmanager:GetSecretValue'));
    expect(secrets?.resources).toEqual([ref('local.instance_secrets')]);
    for (const s of statements) expect(s.effect).toBe('Allow');
  });

  it('gives the API the log group the worker writes task definitions for', () => {
    const worker = localObject(tf, 'worker_environment');
    const api = localObject(tf, 'api_environment');
    expect(api.LOG_GROUP).toBe(worker.LOG_GROUP);
    expect(api.LOG_GROUP).toBe(ref('aws_cloudwatch_log_group.gateways.name'));
  });
});

describe('gateway log retention', () => {
  it('is set, outlives no deleted record, and the cost model stores at least what it keeps', () => {
    const group = resource(tf, 'aws_cloudwatch_log_group', 'gateways');
    expect(group.retention_in_days).toBe(ref('var.log_retention_days'));
    const days = Number(variableDefault(tf, 'log_retention_days'));
    // A deleted instance's logs are found through its record: the record must last as long as the logs.
    expect(days * 86_400).toBeLessThanOrEqual(DELETED_RETENTION_SECONDS);
    // Storage priced per user covers the ingested volume of the retained days.
    const { logsGbIngestedPerUserMonth, logsGbStoredPerUser } = defaultPriceBook.usage;
    expect(logsGbStoredPerUser).toBeGreaterThanOrEqual(logsGbIngestedPerUserMonth * (days / 30));
  });
});

const hasTerraform = onPath('terraform');
if (!hasTerraform)
  console.warn('[terraform.test] no terraform binary on PATH: skipping terraform fmt -check.');

describe('formatting', () => {
  it.skipIf(!hasTerraform)('terraform fmt -check -recursive', () => {
    expect(() =>
      execFileSync('terraform', ['fmt', '-check', '-recursive', here], { stdio: 'pipe' }),
    ).not.toThrow();
  });
});
