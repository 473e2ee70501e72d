// CRD write validation as kube-apiserver does it (structural pruning, defaults, openAPIV3Schema, CEL rules).
export type { CrdValidator, FieldValidation, ValidationCause, ValidationResult } from './validation-types.js';
export { compileCrdVersionValidator, type CompiledCrdValidator } from './crd-validator.js';
export type { CelRuleFailure } from './cel-rules.js';
