/**
 * Lifecycle rules as pure functions over a {@link RegistryDocument}: which stage moves are
 * allowed, semantic-version assignment, and every pointer move (stage, alias, traffic, shadow,
 * rollback) with its audit entry. Each function returns a new document or throws a typed error
 * and changes nothing.
 *
 * Allowed moves: registered → staging | shadow | archived; staging → production | shadow |
 * archived; shadow → staging | production | archived; production → archived; archived →
 * staging. Promoting a version to production archives the previous one and remembers it for
 * {@link rollbackProduction}; production returns to an archived version only through a rollback.
 *
 * @module
 */
import {
  ConflictError,
  InvalidStateError,
  type JsonObject,
  NotFoundError,
  ValidationError,
} from '@x/core';
import semver from 'semver';
import type {
  AuditAction,
  AuditEntry,
  ModelRecord,
  RegistryDocument,
  Stage,
  VersionRecord,
} from './document.js';

/** The allowed stage moves. */
export const STAGE_TRANSITIONS: Readonly<Record<Stage, readonly Stage[]>> = {
  registered: ['staging', 'shadow', 'archived'],
  staging: ['production', 'shadow', 'archived'],
  shadow: ['staging', 'production', 'archived'],
  production: ['archived'],
  archived: ['staging'],
};

/**
 * Whether a version may move from one stage to another.
 * @param from - the current stage
 * @param to - the wanted stage
 *
 * @example
 * ```ts
 * import { canTransition } from '@x/registry';
 *
 * canTransition('staging', 'production'); // true
 * canTransition('registered', 'production'); // false: stage it first
 * ```
 */
export function canTransition(from: Stage, to: Stage): boolean {
  return STAGE_TRANSITIONS[from].includes(to);
}

/** Who, when and why, for the audit entries a change appends. */
export interface ChangeContext {
  /** Who makes the change. */
  readonly actor: string;
  /** When, in milliseconds since the epoch. */
  readonly at: number;
  /** Why. */
  readonly reason: string;
}

/** Which part of the version an automatic bump increments. */
export type VersionBump = 'major' | 'minor' | 'patch';

/** What {@link registerVersion} records besides the artifact. */
export interface NewVersion {
  /** The model name: letters, digits, `.`, `_`, `-`, `/`, `@`, `:` (1-200 characters). */
  readonly model: string;
  /** An explicit semantic version; otherwise the highest existing one is bumped (first: 1.0.0). */
  readonly version?: string;
  /** The automatic bump, `'minor'` by default. */
  readonly bump?: VersionBump;
  /** Artifact digest and size. */
  readonly digest: string;
  /** Artifact size in bytes. */
  readonly size: number;
  /** Model kind. */
  readonly kind: string;
  /** Model export format version. */
  readonly formatVersion: number;
  /** Model config. */
  readonly config: JsonObject;
  /** Evaluation metrics. */
  readonly metrics?: Readonly<Record<string, number>>;
  /** Tags. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** The result of {@link registerVersion}. */
export interface RegisteredVersion {
  /** The new document. */
  readonly document: RegistryDocument;
  /** The new version's record. */
  readonly record: VersionRecord;
}

const MODEL_NAME = /^[A-Za-z0-9@][A-Za-z0-9._\-/@:]{0,199}$/;

/**
 * Throws unless `name` is a valid model name.
 * @param name - the candidate
 */
export function checkModelName(name: string): void {
  if (typeof name !== 'string' || !MODEL_NAME.test(name)) {
    throw new ValidationError(
      'a model name is 1-200 letters, digits, ., _, -, /, @ or : (starting with a letter, digit or @)',
      { field: 'model', value: name },
    );
  }
}

function appendAudit(
  audit: readonly AuditEntry[],
  model: string,
  action: AuditAction,
  target: string,
  from: string | null,
  to: string | null,
  ctx: ChangeContext,
): readonly AuditEntry[] {
  const entry: AuditEntry = {
    seq: audit.length + 1,
    at: ctx.at,
    actor: ctx.actor,
    model,
    action,
    target,
    from,
    to,
    reason: ctx.reason,
  };
  return [...audit, entry];
}

/**
 * A model's record.
 * @throws `NotFoundError` when the model does not exist
 */
export function getModel(doc: RegistryDocument, model: string): ModelRecord {
  const m = doc.models[model];
  if (m === undefined) throw new NotFoundError('model', model);
  return m;
}

/**
 * A version's record.
 * @throws `NotFoundError` when the model or version does not exist
 */
export function getVersion(doc: RegistryDocument, model: string, version: string): VersionRecord {
  const v = getModel(doc, model).versions[version];
  if (v === undefined) throw new NotFoundError('model version', `${model}@${version}`);
  return v;
}

function checkNumbers(metrics: Readonly<Record<string, number>>): void {
  for (const [k, v] of Object.entries(metrics)) {
    if (!Number.isFinite(v)) {
      throw new ValidationError(`metric '${k}' must be a finite number`, { field: k, value: v });
    }
  }
}

function nextVersion(m: ModelRecord | undefined, bump: VersionBump): string {
  const existing = m === undefined ? [] : Object.keys(m.versions);
  if (existing.length === 0) return '1.0.0';
  const highest = existing.sort(semver.rcompare)[0]!;
  return semver.inc(highest, bump)!;
}

/**
 * Adds a version (stage `registered`) to a model, creating the model on its first version.
 * @returns the new document and the version's record
 * @throws `ValidationError` for a bad name, version or metric; `ConflictError` when the version exists
 */
export function registerVersion(
  doc: RegistryDocument,
  input: NewVersion,
  ctx: ChangeContext,
): RegisteredVersion {
  checkModelName(input.model);
  const prev = doc.models[input.model];
  let version: string;
  if (input.version !== undefined) {
    const v = semver.valid(input.version);
    if (v === null || v !== input.version) {
      throw new ValidationError(`'${input.version}' is not a semantic version such as 1.2.3`, {
        field: 'version',
        value: input.version,
      });
    }
    version = v;
  } else {
    version = nextVersion(prev, input.bump ?? 'minor');
  }
  if (prev?.versions[version] !== undefined) {
    throw new ConflictError(`${input.model}@${version} already exists`, {
      details: { model: input.model, version },
    });
  }
  const metrics = { ...(input.metrics ?? {}) };
  checkNumbers(metrics);
  const record: VersionRecord = {
    version,
    digest: input.digest,
    size: input.size,
    kind: input.kind,
    formatVersion: input.formatVersion,
    config: input.config,
    metrics,
    tags: { ...(input.tags ?? {}) },
    createdBy: ctx.actor,
    createdAt: ctx.at,
    stage: 'registered',
  };
  const model: ModelRecord = {
    name: input.model,
    createdAt: prev?.createdAt ?? ctx.at,
    versions: { ...(prev?.versions ?? {}), [version]: record },
    production: prev?.production ?? null,
    shadow: prev?.shadow ?? null,
    traffic: prev?.traffic ?? null,
    productionHistory: prev?.productionHistory ?? [],
    aliases: prev?.aliases ?? {},
  };
  return {
    document: {
      ...doc,
      models: { ...doc.models, [input.model]: model },
      audit: appendAudit(doc.audit, input.model, 'register', 'version', null, version, ctx),
    },
    record,
  };
}

function withStage(m: ModelRecord, version: string, stage: Stage): ModelRecord {
  const v = m.versions[version]!;
  return { ...m, versions: { ...m.versions, [version]: { ...v, stage } } };
}

function put(
  doc: RegistryDocument,
  m: ModelRecord,
  audit: readonly AuditEntry[],
): RegistryDocument {
  return { ...doc, models: { ...doc.models, [m.name]: m }, audit };
}

/**
 * Moves a version to another stage, keeping the pointers consistent: a new production version
 * archives the old one (remembered for rollback) and ends its canary; a new shadow version sends
 * the old shadow back to staging; archiving ends the version's canary or shadow role.
 * @throws `NotFoundError`; `InvalidStateError` when the move is not allowed
 */
export function setStage(
  doc: RegistryDocument,
  model: string,
  version: string,
  stage: Stage,
  ctx: ChangeContext,
): RegistryDocument {
  const rec = getVersion(doc, model, version);
  if (!canTransition(rec.stage, stage)) {
    throw new InvalidStateError(
      `${model}@${version} cannot move from ${rec.stage} to ${stage} (allowed: ${STAGE_TRANSITIONS[rec.stage].join(', ') || 'none'})`,
      { state: rec.stage },
    );
  }
  let m = getModel(doc, model);
  let audit = doc.audit;
  const move = (v: string, from: Stage, to: Stage, why: string) => {
    m = withStage(m, v, to);
    audit = appendAudit(audit, model, 'stage', v, from, to, { ...ctx, reason: why });
  };
  if (rec.stage === 'shadow') m = { ...m, shadow: null };
  if (rec.stage === 'production') m = { ...m, production: null };
  if (m.traffic?.canary === version) {
    audit = appendAudit(audit, model, 'traffic', 'traffic', split(m), null, ctx);
    m = { ...m, traffic: null };
  }
  if (stage === 'production' && m.production !== null) {
    const old = m.production;
    m = { ...m, productionHistory: [...m.productionHistory, old] };
    move(old, 'production', 'archived', `replaced by ${version}: ${ctx.reason}`);
  }
  if (stage === 'shadow' && m.shadow !== null) {
    move(m.shadow, 'shadow', 'staging', `replaced as shadow by ${version}: ${ctx.reason}`);
  }
  move(version, rec.stage, stage, ctx.reason);
  if (stage === 'production') m = { ...m, production: version };
  if (stage === 'shadow') m = { ...m, shadow: version };
  return put(doc, m, audit);
}

function split(m: ModelRecord): string | null {
  return m.traffic === null ? null : `${m.traffic.canary}@${m.traffic.percent}%`;
}

/**
 * Sends `percent` of the model's traffic to a staging version (the rest to production); 0 ends
 * the canary.
 * @throws `ValidationError` for a percentage outside [0, 100]; `InvalidStateError` when there is
 *   no production version or the version is not in staging
 */
export function setTraffic(
  doc: RegistryDocument,
  model: string,
  version: string,
  percent: number,
  ctx: ChangeContext,
): RegistryDocument {
  if (!(percent >= 0 && percent <= 100)) {
    throw new ValidationError('percent must be within [0, 100]', {
      field: 'percent',
      value: percent,
    });
  }
  const rec = getVersion(doc, model, version);
  const m = getModel(doc, model);
  if (m.production === null) {
    throw new InvalidStateError(`${model} has no production version to split traffic with`);
  }
  if (rec.stage !== 'staging') {
    throw new InvalidStateError(
      `a canary must be in staging; ${model}@${version} is ${rec.stage}`,
      {
        state: rec.stage,
      },
    );
  }
  const next: ModelRecord = { ...m, traffic: percent === 0 ? null : { canary: version, percent } };
  return put(
    doc,
    next,
    appendAudit(doc.audit, model, 'traffic', 'traffic', split(m), split(next), ctx),
  );
}

/**
 * Points an alias at a version, or removes it (`version` null).
 * @throws `ValidationError` for a bad alias name; `NotFoundError` for an unknown version or alias
 */
export function setAlias(
  doc: RegistryDocument,
  model: string,
  alias: string,
  version: string | null,
  ctx: ChangeContext,
): RegistryDocument {
  if (!/^[A-Za-z][A-Za-z0-9._-]{0,63}$/.test(alias) || semver.valid(alias) !== null) {
    throw new ValidationError('an alias is a name such as champion (not a version)', {
      field: 'alias',
      value: alias,
    });
  }
  const m = getModel(doc, model);
  if (version !== null) getVersion(doc, model, version);
  const from = m.aliases[alias] ?? null;
  if (version === null && from === null) throw new NotFoundError('alias', `${model}#${alias}`);
  const aliases = { ...m.aliases };
  if (version === null) delete aliases[alias];
  else aliases[alias] = version;
  return put(
    doc,
    { ...m, aliases },
    appendAudit(doc.audit, model, 'alias', alias, from, version, ctx),
  );
}

/**
 * Returns production to the previous production version: the current one is archived, the
 * previous one (archived when it was replaced) becomes production again.
 * @throws `InvalidStateError` when there is no production version or no earlier one
 */
export function rollbackProduction(
  doc: RegistryDocument,
  model: string,
  ctx: ChangeContext,
): RegistryDocument {
  let m = getModel(doc, model);
  const current = m.production;
  const previous = m.productionHistory.at(-1);
  if (current === null || previous === undefined) {
    throw new InvalidStateError(`${model} has no earlier production version to roll back to`);
  }
  let audit = appendAudit(doc.audit, model, 'rollback', 'production', current, previous, ctx);
  m = withStage(withStage(m, current, 'archived'), previous, 'production');
  if (m.traffic !== null) {
    audit = appendAudit(audit, model, 'traffic', 'traffic', split(m), null, ctx);
  }
  m = {
    ...m,
    production: previous,
    traffic: null,
    productionHistory: m.productionHistory.slice(0, -1),
  };
  return put(doc, m, audit);
}

/**
 * Ends a canary: all traffic back to production, the canary version archived.
 * @throws `InvalidStateError` when the model has no canary
 */
export function abortCanary(
  doc: RegistryDocument,
  model: string,
  ctx: ChangeContext,
): RegistryDocument {
  let m = getModel(doc, model);
  if (m.traffic === null) throw new InvalidStateError(`${model} has no canary`);
  const canary = m.traffic.canary;
  const audit = appendAudit(doc.audit, model, 'canary-abort', 'traffic', split(m), null, ctx);
  m = { ...withStage(m, canary, 'archived'), traffic: null };
  return put(doc, m, appendAudit(audit, model, 'stage', canary, 'staging', 'archived', ctx));
}

/**
 * Resolves a reference to a version: an exact version, an alias, a stage pointer (`production`,
 * `shadow`, `canary`) or `latest` (highest version).
 * @throws `NotFoundError` when nothing matches
 */
export function resolveRef(doc: RegistryDocument, model: string, ref: string): VersionRecord {
  const m = getModel(doc, model);
  let v: string | null | undefined;
  if (m.versions[ref] !== undefined) v = ref;
  else if (ref === 'production') v = m.production;
  else if (ref === 'shadow') v = m.shadow;
  else if (ref === 'canary') v = m.traffic?.canary;
  else if (ref === 'latest') v = Object.keys(m.versions).sort(semver.rcompare)[0];
  else v = m.aliases[ref];
  if (v === null || v === undefined) throw new NotFoundError('model version', `${model}@${ref}`);
  return m.versions[v]!;
}
