import { invalidRequest } from '../../model/errors.js';

export interface Page<T> {
  items: T[];
  /** Absent on the last page. */
  next?: string;
}

/** Opaque-looking offset tokens: enough for the SDK paginators, which only pass them back. */
export function page<T>(items: readonly T[], token: string | undefined, size: number | undefined, defaultSize: number): Page<T> {
  let start = 0;
  if (token !== undefined && token !== '') {
    start = Number.parseInt(Buffer.from(token, 'base64url').toString('utf8'), 10);
    if (!Number.isInteger(start) || start < 0) throw invalidRequest(`Invalid pagination token: ${token}`);
  }
  const limit = size ?? defaultSize;
  if (!Number.isInteger(limit) || limit < 1) throw invalidRequest(`Invalid page size: ${limit}`);
  const end = start + limit;
  return {
    items: items.slice(start, end),
    ...(end < items.length ? { next: Buffer.from(String(end), 'utf8').toString('base64url') } : {}),
  };
}
