import type { TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';

const validators = new WeakMap<TSchema, Validator>();

/**
 * A schema check through TypeBox's compiled validator, compiled once per schema object
 * (so schemas checked on a hot path must be module constants, not built per call).
 */
export function checkCompiled(schema: TSchema, value: unknown): boolean {
  let validator = validators.get(schema);
  if (!validator) {
    validator = Compile(schema) as Validator;
    validators.set(schema, validator);
  }
  return validator.Check(value);
}
