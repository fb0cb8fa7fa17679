/**
 * Which AWS API operations a body of TypeScript sends, read from the SDK v3 command classes and
 * paginators it references. Pure: give it file texts, get IAM action names (`ecs:CreateService`).
 *
 * A command counts when the code references the class as a value: `new CreateServiceCommand(...)`, or the
 * class handed to a helper (`send(CreateServiceCommand, input)`). A paginator counts when referenced:
 * `paginateListServices(...)`. Type-only imports never count. Each name is resolved through the file's
 * own imports, since the same command exists in several clients (DescribeTagsCommand: ELBv2, EC2, ...).
 */

/** SDK client package -> IAM service prefix. A client missing here is reported, not guessed. */
export const clientPrefixes: Readonly<Record<string, string>> = {
  '@aws-sdk/client-ecs': 'ecs',
  '@aws-sdk/client-elastic-load-balancing-v2': 'elasticloadbalancing',
  '@aws-sdk/client-secrets-manager': 'secretsmanager',
  '@aws-sdk/client-auto-scaling': 'autoscaling',
  '@aws-sdk/client-ec2': 'ec2',
  '@aws-sdk/client-cloudwatch-logs': 'logs',
};

export interface SourceText {
  path: string;
  text: string;
}

export interface AwsCallScan {
  /** IAM actions, e.g. `ecs:CreateService`. */
  actions: Set<string>;
  /** Where each action is referenced, for failure messages. */
  sites: Map<string, string[]>;
  /** `@aws-sdk/client-*` packages imported but missing from clientPrefixes. */
  unknownClients: { path: string; source: string }[];
}

interface Imported {
  prefix: string;
  exported: string;
}

const identifier = String.raw`[A-Za-z_$][\w$]*`;

/** Blanks out comments (keeping line breaks) so commented-out calls do not count; strings stay intact. */
export function stripComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') {
        out += ' ';
        i++;
      }
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (c === '/' && /[(,=:[!&|?{};]\s*$|\breturn\s*$/.test(out.slice(-20))) {
      // A regex literal: skip it whole, so quotes inside it do not open a string.
      let j = i + 1;
      let inClass = false;
      while (j < text.length && text[j] !== '\n' && (inClass || text[j] !== '/')) {
        if (text[j] === '\\') j++;
        else if (text[j] === '[') inClass = true;
        else if (text[j] === ']') inClass = false;
        j++;
      }
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The action a command class or paginator stands for, or undefined for anything else. */
export function actionOf(prefix: string, exported: string): string | undefined {
  const command = /^([A-Z]\w*)Command$/.exec(exported);
  if (command) return `${prefix}:${command[1]}`;
  const paginator = /^paginate([A-Z]\w*)$/.exec(exported);
  if (paginator) return `${prefix}:${paginator[1]}`;
  return undefined;
}

export function awsActionsInCode(files: readonly SourceText[]): AwsCallScan {
  const actions = new Set<string>();
  const sites = new Map<string, string[]>();
  const unknownClients: AwsCallScan['unknownClients'] = [];
  const record = (action: string, path: string) => {
    actions.add(action);
    sites.set(action, [...(sites.get(action) ?? []), path]);
  };

  for (const file of files) {
    const code = stripComments(file.text);
    const named = new Map<string, Imported>();
    const namespaces = new Map<string, string>();
    const clientOf = (source: string): string | undefined => {
      const prefix = clientPrefixes[source];
      if (!prefix && source.startsWith('@aws-sdk/client-')) unknownClients.push({ path: file.path, source });
      return prefix;
    };

    // import { A, B as C, type D } from '...';  import X, { A } from '...';  export { A } from '...';
    const namedImport = new RegExp(
      String.raw`\b(import|export)\s+(type\s+)?(?:${identifier}\s*,\s*)?\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]`,
      'g',
    );
    for (const match of code.matchAll(namedImport)) {
      const [, , typeOnly, specifiers = '', source = ''] = match;
      const prefix = clientOf(source);
      if (!prefix || typeOnly) continue;
      for (const raw of specifiers.split(',')) {
        const spec = raw.trim();
        if (!spec || spec.startsWith('type ')) continue;
        const [exported = '', local = exported] = spec.split(/\s+as\s+/).map((part) => part.trim());
        if (actionOf(prefix, exported)) named.set(local, { prefix, exported });
      }
    }
    const namespaceImport = new RegExp(
      String.raw`\bimport\s+\*\s+as\s+(${identifier})\s+from\s*['"]([^'"]+)['"]`,
      'g',
    );
    for (const [, alias = '', source = ''] of code.matchAll(namespaceImport)) {
      const prefix = clientOf(source);
      if (prefix) namespaces.set(alias, prefix);
    }

    // References outside the import/export statements themselves.
    const body = code.replace(namedImport, '').replace(namespaceImport, '');
    for (const [local, imported] of named) {
      const used = new RegExp(String.raw`(?<![\w$.])${local.replace(/\$/g, '\\$')}(?![\w$])`).test(body);
      const action = actionOf(imported.prefix, imported.exported);
      if (used && action) record(action, file.path);
    }
    for (const [alias, prefix] of namespaces) {
      const member = new RegExp(String.raw`(?<![\w$.])${alias}\s*\.\s*(${identifier})`, 'g');
      for (const [, exported = ''] of body.matchAll(member)) {
        const action = actionOf(prefix, exported);
        if (action) record(action, file.path);
      }
    }
  }
  return { actions, sites, unknownClients };
}
