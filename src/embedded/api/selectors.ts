import { isJsonObject, type KubeObject } from '../types.js';

export type LabelRequirement =
  | { op: 'eq'; key: string; value: string }
  | { op: 'neq'; key: string; value: string }
  | { op: 'in'; key: string; values: string[] }
  | { op: 'notin'; key: string; values: string[] }
  | { op: 'exists'; key: string }
  | { op: 'notexists'; key: string };

export class SelectorError extends Error {}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

const labelKey = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;

function checkKey(key: string, text: string): string {
  if (!labelKey.test(key))
    throw new SelectorError(`unable to parse requirement: invalid label key "${key}" in "${text}"`);
  return key;
}

export function parseLabelSelector(text: string): LabelRequirement[] {
  return splitTopLevel(text).map((part): LabelRequirement => {
    let m = /^!\s*(\S+)$/.exec(part);
    if (m?.[1]) return { op: 'notexists', key: checkKey(m[1], text) };
    m = /^(\S+?)\s+(in|notin)\s+\((.*)\)$/.exec(part);
    if (m?.[1] && m[2] && m[3] !== undefined) {
      const values = m[3]
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');
      return m[2] === 'in'
        ? { op: 'in', key: checkKey(m[1], text), values }
        : { op: 'notin', key: checkKey(m[1], text), values };
    }
    m = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (m?.[1] && m[2]) {
      const key = checkKey(m[1], text);
      return m[2] === '!=' ? { op: 'neq', key, value: m[3] ?? '' } : { op: 'eq', key, value: m[3] ?? '' };
    }
    if (/^\S+$/.test(part)) return { op: 'exists', key: checkKey(part, text) };
    throw new SelectorError(`unable to parse requirement: "${part}"`);
  });
}

export function matchesLabels(reqs: readonly LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  for (const r of reqs) {
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
    const value = has ? labels[r.key] : undefined;
    switch (r.op) {
      case 'eq':
        if (value !== r.value) return false;
        break;
      case 'neq':
        if (value === r.value) return false;
        break;
      case 'in':
        if (value === undefined || !r.values.includes(value)) return false;
        break;
      case 'notin':
        if (value !== undefined && r.values.includes(value)) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case 'notexists':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** A LabelSelector object ({matchLabels, matchExpressions}) as requirements. */
export function labelSelectorFromObject(selector: unknown): LabelRequirement[] {
  if (!isJsonObject(selector)) return [];
  const reqs: LabelRequirement[] = [];
  if (isJsonObject(selector.matchLabels)) {
    for (const [key, value] of Object.entries(selector.matchLabels)) reqs.push({ op: 'eq', key, value: String(value) });
  }
  if (Array.isArray(selector.matchExpressions)) {
    for (const e of selector.matchExpressions.filter(isJsonObject)) {
      const key = String(e.key);
      const values = Array.isArray(e.values) ? e.values.map(String) : [];
      if (e.operator === 'In') reqs.push({ op: 'in', key, values });
      else if (e.operator === 'NotIn') reqs.push({ op: 'notin', key, values });
      else if (e.operator === 'Exists') reqs.push({ op: 'exists', key });
      else if (e.operator === 'DoesNotExist') reqs.push({ op: 'notexists', key });
    }
  }
  return reqs;
}

/** The string form used in `status.selector` of the scale subresource. */
export function labelSelectorToString(selector: unknown): string {
  return parseLabelRequirementsToString(labelSelectorFromObject(selector));
}

function parseLabelRequirementsToString(reqs: LabelRequirement[]): string {
  return reqs
    .map((r) => {
      switch (r.op) {
        case 'eq':
          return `${r.key}=${r.value}`;
        case 'neq':
          return `${r.key}!=${r.value}`;
        case 'in':
          return `${r.key} in (${r.values.join(',')})`;
        case 'notin':
          return `${r.key} notin (${r.values.join(',')})`;
        case 'exists':
          return r.key;
        case 'notexists':
          return `!${r.key}`;
      }
      return '';
    })
    .join(',');
}

export interface FieldRequirement {
  path: string;
  value: string;
  negate: boolean;
}

export function parseFieldSelector(text: string, allowed: readonly string[]): FieldRequirement[] {
  return splitTopLevel(text).map((part) => {
    const m = /^([^!=]+?)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m?.[1] || !m[2]) throw new SelectorError(`invalid selector: '${text}'; can't understand '${part}'`);
    const path = m[1].trim();
    if (path !== 'metadata.name' && path !== 'metadata.namespace' && !allowed.includes(path)) {
      throw new SelectorError(`field label not supported: ${path}`);
    }
    return { path, value: (m[3] ?? '').trim(), negate: m[2] === '!=' };
  });
}

function fieldValue(obj: KubeObject, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) cur = isJsonObject(cur) ? cur[part] : undefined;
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'object' ? JSON.stringify(cur) : String(cur);
}

export function matchesFields(reqs: readonly FieldRequirement[], obj: KubeObject): boolean {
  for (const r of reqs) {
    const equal = fieldValue(obj, r.path) === r.value;
    if (equal === r.negate) return false;
  }
  return true;
}
