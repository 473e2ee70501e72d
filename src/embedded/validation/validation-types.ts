export interface ValidationCause {
  field: string;
  message: string;
  /** Kubernetes cause type: FieldValueInvalid, FieldValueRequired, FieldValueNotSupported, FieldValueTypeInvalid, … */
  reason: string;
}

/**
 * `ok: true` carries the object as stored: defaults applied and unknown fields pruned (with `Warn`, each pruned
 * field is also a warning `unknown field "spec.x"`). `ok: false` with `unknownFields` and no `causes` means only
 * Strict field validation failed (the API server answers 400 `strict decoding error: unknown field "spec.x"`);
 * non-empty `causes` are a 422 Invalid.
 */
export type ValidationResult =
  | { ok: true; object: Record<string, unknown>; warnings: string[] }
  | { ok: false; causes: ValidationCause[]; unknownFields?: string[] };

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface CrdValidator {
  validate(
    obj: Record<string, unknown>,
    opts: { fieldValidation: FieldValidation; oldObject?: Record<string, unknown> },
  ): ValidationResult;
}
