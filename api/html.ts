import { html as honoHtml } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

export type Html = HtmlEscapedString;

/**
 * hono/html's tag for pages built here: every interpolated value is escaped (text and attributes
 * alike), arrays are joined, and fragments made with this tag go in as they are. Nothing is escaped by
 * hand. Our templates never interpolate a promise, so the result is always the synchronous form.
 * Booleans render as nothing (JSX's rule): write `String(flag)` where the text "true" is wanted.
 */
export const html = (strings: TemplateStringsArray, ...values: unknown[]): Html =>
  honoHtml(strings, ...values) as Html;
