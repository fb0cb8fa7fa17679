import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';

/**
 * The limits that keep the product readable (issue "One home for the instance store"): a file says one
 * idea in at most 300 lines, a function fits on two screens (80 lines), and Redis scripts live as `.lua`
 * files under shared/store/, never as strings elsewhere.
 */
const productFolders = ['api', 'worker', 'shared', 'localcloud', 'cli', 'dev'];
const maxFileLines = 300;
const maxFunctionLines = 80;

function productSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : productSources(path);
    return /\.(ts|mjs)$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = productFolders.flatMap(productSources);

function lineCount(text: string): number {
  return text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
}

function longFunctions(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      if (end - start + 1 > maxFunctionLines) found.push(`${file}:${start + 1} (${end - start + 1} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

it(`keeps every product file within ${maxFileLines} lines`, () => {
  const long = files.filter((file) => lineCount(readFileSync(file, 'utf8')) > maxFileLines);
  expect(long).toEqual([]);
});

it(`keeps every product function within ${maxFunctionLines} lines`, () => {
  expect(files.flatMap((file) => longFunctions(file, readFileSync(file, 'utf8')))).toEqual([]);
});

it('keeps Redis scripts in shared/store/ only', () => {
  const outside = files.filter(
    (file) => !file.startsWith('shared/store/') && /redis\.call\(/.test(readFileSync(file, 'utf8')),
  );
  expect(outside).toEqual([]);
});
