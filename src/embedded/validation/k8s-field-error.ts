import { renderValue } from './field-path.js';

/** Kubernetes field error types (k8s.io/apimachinery/pkg/util/validation/field), as they appear in Status causes. */
export const FieldErrorType = {
  Invalid: 'FieldValueInvalid',
  TypeInvalid: 'FieldValueTypeInvalid',
  Required: 'FieldValueRequired',
  NotSupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  Duplicate: 'FieldValueDuplicate',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
} as const;
export type FieldErrorType = (typeof FieldErrorType)[keyof typeof FieldErrorType];

const TYPE_LABELS: Readonly<Record<string, string>> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueTypeInvalid: 'Invalid value',
  FieldValueRequired: 'Required value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
};

// Error types whose message never shows the offending value (as field.Error.ErrorBody does).
const VALUE_OMITTED = new Set<string>(['FieldValueRequired', 'FieldValueForbidden', 'FieldValueTooLong']);

export const OMIT_VALUE: unique symbol = Symbol('omit value');

/** The `message` of a Status cause: what field.Error.ErrorBody() prints. */
export function errorBody(type: string, badValue: unknown, detail: string): string {
  const label = TYPE_LABELS[type] ?? 'Invalid value';
  let body = VALUE_OMITTED.has(type) || badValue === OMIT_VALUE ? label : `${label}: ${renderValue(badValue)}`;
  if (detail !== '') body += `: ${detail}`;
  return body;
}
