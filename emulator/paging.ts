// Pages of a list answer, as the cloud's list operations give them: a page number from 1 and a page size
// with a default and (where the cloud documents one) a maximum; a page past the end is empty while the
// total still counts everything that matched. The items come in a fixed order, so a client walking the
// pages sees each item once unless something is created or deleted in between (the cloud behaves alike).
import { CloudErrors } from "./cloud-error";

export interface PageRule {
  /** Parameter names: PageNumber/PageSize (Alidns, KMS) or CurrentPage/ShowSize (cas). */
  pageParam: string;
  sizeParam: string;
  defaultSize: number;
  /** The cloud's documented maximum page size; larger asks are InvalidParameter. */
  maxSize?: number;
}

export interface Page<T> {
  items: T[];
  page: number;
  size: number;
  total: number;
}

function whole(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined || text === "") return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw CloudErrors.invalidParameter(name, "It must be a whole number from 1.");
  return n;
}

export function pageOf<T>(all: readonly T[], params: Record<string, string>, rule: PageRule): Page<T> {
  const page = whole(params[rule.pageParam], 1, rule.pageParam);
  const size = whole(params[rule.sizeParam], rule.defaultSize, rule.sizeParam);
  if (rule.maxSize !== undefined && size > rule.maxSize) throw CloudErrors.invalidParameter(rule.sizeParam, `It must be at most ${rule.maxSize}.`);
  const start = (page - 1) * size;
  return { items: start >= all.length ? [] : all.slice(start, start + size), page, size, total: all.length };
}

/** Newest first, ties (same millisecond) by the larger decimal ID first: a total order, stable across calls. */
export function newestFirst<T>(items: T[], createdAt: (item: T) => number | undefined, id: (item: T) => string): T[] {
  const byId = (a: string, b: string): number => (a.length !== b.length ? b.length - a.length : a < b ? 1 : a > b ? -1 : 0);
  return items.sort((a, b) => (createdAt(b) ?? 0) - (createdAt(a) ?? 0) || byId(id(a), id(b)));
}
