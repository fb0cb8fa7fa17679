/**
 * Readers for request parameters. JSON bodies carry real numbers and booleans; query (form) bodies
 * carry strings only, so every reader accepts both spellings.
 */
export type Params = Record<string, unknown>;

const isRecord = (v: unknown): v is Params => typeof v === 'object' && v !== null && !Array.isArray(v);

export function str(o: unknown, key: string): string | undefined {
  const v = isRecord(o) ? o[key] : undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function num(o: unknown, key: string): number | undefined {
  const v = isRecord(o) ? o[key] : undefined;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export function bool(o: unknown, key: string): boolean | undefined {
  const v = isRecord(o) ? o[key] : undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

export function obj(o: unknown, key: string): Params | undefined {
  const v = isRecord(o) ? o[key] : undefined;
  return isRecord(v) ? v : undefined;
}

/** A list parameter; a query body sends an empty list as `Key=` (empty string). */
export function list(o: unknown, key: string): unknown[] {
  const v = isRecord(o) ? o[key] : undefined;
  return Array.isArray(v) ? v : [];
}

export function has(o: unknown, key: string): boolean {
  return isRecord(o) && o[key] !== undefined;
}

export function strList(o: unknown, key: string): string[] {
  return list(o, key).filter((v): v is string => typeof v === 'string');
}

export function records(o: unknown, key: string): Params[] {
  return list(o, key).filter(isRecord);
}

export interface Tag {
  key: string;
  value: string;
}

/** Reads `[{Key, Value}]` (Secrets Manager, ELBv2) or `[{key, value}]` (ECS) tag lists. */
export function tags(o: unknown, key: string, keyName = 'Key', valueName = 'Value'): Tag[] {
  return records(o, key).map((t) => ({ key: str(t, keyName) ?? '', value: str(t, valueName) ?? '' }));
}
