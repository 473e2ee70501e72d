import { compileCelRules, type CelRuleSet } from './cel-rules.js';
import { errorBody, FieldErrorType } from './k8s-field-error.js';
import { checkListTypes } from './list-type-check.js';
import { compileOpenApiCheck } from './openapi-schema-check.js';
import { pruneAndDefault } from './prune-and-default.js';
import type { CrdValidator, ValidationCause, ValidationResult } from './validation-types.js';

export interface CompiledCrdValidator extends CrdValidator {
  /** How the schema's `x-kubernetes-validations` rules compiled (failed rules are skipped at validation). */
  readonly celRules: Pick<CelRuleSet, 'total' | 'compiled' | 'failures'>;
}

// Type and enum errors make CEL results meaningless; the API server then skips CEL and says so.
const BLOCKS_CEL = new Set<string>([FieldErrorType.TypeInvalid, FieldErrorType.NotSupported]);
const CEL_SKIPPED: ValidationCause = {
  field: '',
  reason: FieldErrorType.Invalid,
  message: errorBody(
    FieldErrorType.Invalid,
    null,
    'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
  ),
};

/**
 * Compiles one CRD version's `openAPIV3Schema` into a validator that does what kube-apiserver does to a
 * custom-resource write: prune unknown fields (per `fieldValidation`), apply defaults, check the schema, the
 * list-type invariants and the CEL rules. `where` (e.g. `virtualservices.networking.istio.io/v1`) names the schema
 * in compile errors and logs.
 */
export function compileCrdVersionValidator(
  openAPIV3Schema: Record<string, unknown>,
  where: string,
): CompiledCrdValidator {
  const schema = structuredClone(openAPIV3Schema);
  const check = compileOpenApiCheck(schema, where);
  const cel = compileCelRules(schema, where);
  return {
    celRules: { total: cel.total, compiled: cel.compiled, failures: cel.failures },
    validate(obj, opts): ValidationResult {
      const object = structuredClone(obj);
      const unknownFields = pruneAndDefault(object, schema);
      const causes = [...check(object), ...checkListTypes(schema, object)];
      if (causes.some((cause) => BLOCKS_CEL.has(cause.reason))) causes.push(CEL_SKIPPED);
      else causes.push(...cel.evaluate(object, opts.oldObject));
      const strictFailure = opts.fieldValidation === 'Strict' && unknownFields.length > 0;
      if (causes.length > 0 || strictFailure) {
        return strictFailure ? { ok: false, causes, unknownFields } : { ok: false, causes };
      }
      const warnings = opts.fieldValidation === 'Warn' ? unknownFields.map((field) => `unknown field "${field}"`) : [];
      return { ok: true, object, warnings };
    },
  };
}
