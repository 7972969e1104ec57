/**
 * Built-in members described by plain data (a kind and its options), so that a worker thread
 * can rebuild them: a closure cannot cross a thread boundary, a `{ kind, options }` spec can.
 *
 * @module
 */
import { type JsonObject, ValidationError } from '@x/core';
import {
  BUILTINS,
  type BuiltinKind,
  type BuiltinModels,
  type BuiltinOptions,
  builtinOf,
} from './internal/builtins.js';
import type { Member } from './members.js';

export type { BuiltinKind, BuiltinModels, BuiltinOptions } from './internal/builtins.js';

/** What a built-in member is made of: its kind and its options, as JSON. */
export interface MemberSpec {
  /** The model class, such as `'Ridge'`. */
  readonly kind: BuiltinKind;
  /** The constructor options, JSON-safe. */
  readonly options: JsonObject;
}

/** A member built by {@link builtinMember}: a factory plus the spec a worker rebuilds it from. */
export interface BuiltinMember<K extends BuiltinKind> extends Member<BuiltinModels[K]> {
  /** The kind and options; a worker thread makes the same model from them. */
  readonly spec: MemberSpec;
}

const specs = new WeakMap<object, MemberSpec>();

/**
 * A member made of one of the package's own models and its options. It works everywhere a
 * closure member does, and it can also be fitted on a worker thread
 * (`WorkerPool` from `@x/ensemble/workers`), which a closure member cannot. The options are
 * checked here, by constructing the model once.
 *
 * @param name - the member's unique name in its ensemble
 * @param kind - the model class
 * @param options - the model's constructor options (JSON-safe, as for a config file)
 * @returns the member
 * @throws ValidationError on an unknown kind or options the model rejects
 *
 * @example
 * ```ts
 * import { builtinMember, Ridge } from '@x/ensemble';
 * const m = builtinMember('ridge10', 'Ridge', { alpha: 10 });
 * console.log(m.create() instanceof Ridge, m.spec); // true { kind: 'Ridge', options: { alpha: 10 } }
 * ```
 */
export function builtinMember<K extends BuiltinKind>(
  name: string,
  kind: K,
  options: BuiltinOptions[K] = {} as BuiltinOptions[K],
): BuiltinMember<K> {
  const ctor = builtinOf(kind);
  if (ctor === undefined) {
    throw new ValidationError(
      `unknown built-in member kind '${String(kind)}' (one of ${Object.keys(BUILTINS).join(', ')})`,
      { field: 'kind', value: kind },
    );
  }
  const plain = JSON.parse(JSON.stringify(options ?? {})) as JsonObject;
  ctor.create(plain); // validates the options now rather than in the first fold
  const spec: MemberSpec = Object.freeze({ kind, options: plain });
  const member: BuiltinMember<K> = Object.freeze({
    name,
    spec,
    create: () => ctor.create(plain) as BuiltinModels[K],
  });
  specs.set(member, spec);
  return member;
}

/**
 * @internal The spec of a member made by {@link builtinMember} (undefined for any other member,
 * including a copy of a built-in member with its factory replaced).
 */
export function memberSpecOf(member: object): MemberSpec | undefined {
  return specs.get(member);
}
