/**
 * The root module, parsed with @cdktf/hcl2json (terraform's own HCL parser, compiled to WASM) and merged
 * across files, with small accessors for the checks. Expressions stay strings such as "${var.x}".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';

export type Body = Record<string, unknown>;

export interface TerraformModule {
  /** Parsed JSON of each file, by file name. */
  files: Map<string, Body>;
  /** resource type -> name -> body */
  resources: Map<string, Map<string, Body>>;
  /** data source type -> name -> body */
  data: Map<string, Map<string, Body>>;
  locals: Body;
  outputs: Map<string, Body>;
  variables: Map<string, Body>;
}

export function tfFileNames(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.tf'))
    .sort();
}

export async function parseHcl(fileName: string, text: string): Promise<Body> {
  return (await parse(fileName, text)) as Body;
}

const isBody = (value: unknown): value is Body =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A nested block, which hcl2json always renders as a list of bodies. */
export function blocks(body: Body | undefined, key: string): Body[] {
  const value = body?.[key];
  return Array.isArray(value) ? value.filter(isBody) : [];
}

export function block(body: Body | undefined, key: string): Body | undefined {
  return blocks(body, key)[0];
}

/** A `dynamic "name" { for_each, content }` block, which hcl2json renders as { dynamic: { name: [body] } }. */
export function dynamicBlock(body: Body | undefined, name: string): Body | undefined {
  const dynamic = body?.dynamic;
  return isBody(dynamic) ? block(dynamic, name) : undefined;
}

export async function loadModule(dir: string): Promise<TerraformModule> {
  const module: TerraformModule = {
    files: new Map(),
    resources: new Map(),
    data: new Map(),
    locals: {},
    outputs: new Map(),
    variables: new Map(),
  };
  const addLabelled = (target: Map<string, Map<string, Body>>, section: unknown, file: string) => {
    if (!isBody(section)) return;
    for (const [type, byName] of Object.entries(section)) {
      if (!isBody(byName)) continue;
      const named = target.get(type) ?? new Map<string, Body>();
      for (const [name, bodies] of Object.entries(byName)) {
        if (named.has(name)) throw new Error(`${file}: ${type}.${name} is declared twice`);
        const body = Array.isArray(bodies) ? bodies.find(isBody) : undefined;
        if (body) named.set(name, body);
      }
      target.set(type, named);
    }
  };
  const addNamed = (target: Map<string, Body>, section: unknown, kind: string, file: string) => {
    if (!isBody(section)) return;
    for (const [name, bodies] of Object.entries(section)) {
      if (target.has(name)) throw new Error(`${file}: ${kind} ${name} is declared twice`);
      const body = Array.isArray(bodies) ? bodies.find(isBody) : undefined;
      if (body) target.set(name, body);
    }
  };

  for (const file of tfFileNames(dir)) {
    const parsed = await parseHcl(file, readFileSync(join(dir, file), 'utf8'));
    module.files.set(file, parsed);
    addLabelled(module.resources, parsed.resource, file);
    addLabelled(module.data, parsed.data, file);
    addNamed(module.outputs, parsed.output, 'output', file);
    addNamed(module.variables, parsed.variable, 'variable', file);
    for (const locals of blocks(parsed, 'locals')) {
      for (const [name, value] of Object.entries(locals)) {
        if (name in module.locals) throw new Error(`${file}: local.${name} is declared twice`);
        module.locals[name] = value;
      }
    }
  }
  return module;
}

export function resource(module: TerraformModule, type: string, name: string): Body {
  const body = module.resources.get(type)?.get(name);
  if (!body) throw new Error(`resource ${type}.${name} is not declared`);
  return body;
}

export function resourcesOf(module: TerraformModule, type: string): [string, Body][] {
  return [...(module.resources.get(type) ?? new Map<string, Body>())];
}

export function dataSource(module: TerraformModule, type: string, name: string): Body {
  const body = module.data.get(type)?.get(name);
  if (!body) throw new Error(`data ${type}.${name} is not declared`);
  return body;
}

export function variableDefault(module: TerraformModule, name: string): unknown {
  const variable = module.variables.get(name);
  if (!variable) throw new Error(`variable ${name} is not declared`);
  return variable.default;
}

/** A local that is an object literal (its values may be expressions). */
export function localObject(module: TerraformModule, name: string): Record<string, string> {
  const value = module.locals[name];
  if (!isBody(value)) throw new Error(`local.${name} is not an object literal`);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

export interface PolicyStatement {
  sid: string;
  effect: 'Allow' | 'Deny';
  actions: string[];
  resources: unknown;
  conditions: Body[];
}

/** Statements of an aws_iam_policy_document data source. */
export function policyStatements(document: Body): PolicyStatement[] {
  return blocks(document, 'statement').map((statement, index) => {
    const actions = statement.actions;
    if (!Array.isArray(actions) || !actions.every((a): a is string => typeof a === 'string')) {
      throw new Error(`statement ${index}: actions must be a literal list of strings`);
    }
    return {
      sid: typeof statement.sid === 'string' ? statement.sid : `#${index}`,
      effect: statement.effect === 'Deny' ? 'Deny' : 'Allow',
      actions,
      resources: statement.resources,
      conditions: blocks(statement, 'condition'),
    };
  });
}

export function allowedActions(document: Body): Set<string> {
  return new Set(
    policyStatements(document)
      .filter((s) => s.effect === 'Allow')
      .flatMap((s) => s.actions),
  );
}
