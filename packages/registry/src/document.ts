/**
 * The registry's metadata as data: models, their versions, stage pointers, aliases, traffic and
 * the append-only audit history. A storage backend persists one {@link RegistryDocument} per
 * store and replaces it by compare-and-swap on its revision.
 *
 * @module
 */
import type { JsonObject } from '@x/core';

/** Lifecycle stage of a version. */
export type Stage = 'registered' | 'staging' | 'production' | 'shadow' | 'archived';

/** Every stage, in lifecycle order. */
export const STAGES: readonly Stage[] = [
  'registered',
  'staging',
  'production',
  'shadow',
  'archived',
];

/** One registered version of a model. */
export interface VersionRecord {
  /** The semantic version, such as `'1.2.0'`. */
  readonly version: string;
  /** SHA-256 of the artifact, lowercase hex. */
  readonly digest: string;
  /** Artifact size in bytes. */
  readonly size: number;
  /** The model kind (`ExportedModel.kind`). */
  readonly kind: string;
  /** The export format version. */
  readonly formatVersion: number;
  /** The model's config (`ExportedModel.config`). */
  readonly config: JsonObject;
  /** Evaluation metrics given at registration (name → value). */
  readonly metrics: Readonly<Record<string, number>>;
  /** Free-form tags. */
  readonly tags: Readonly<Record<string, string>>;
  /** Who registered it. */
  readonly createdBy: string;
  /** When, in milliseconds since the epoch (from the registry's clock). */
  readonly createdAt: number;
  /** The current lifecycle stage. */
  readonly stage: Stage;
}

/** The share of a model's traffic sent to a canary version. */
export interface TrafficSplit {
  /** The canary version. */
  readonly canary: string;
  /** Percentage of requests (0-100) routed to it. */
  readonly percent: number;
}

/** One model and everything the registry knows about it. */
export interface ModelRecord {
  /** The model's name. */
  readonly name: string;
  /** When it was first registered. */
  readonly createdAt: number;
  /** Versions by version string. */
  readonly versions: Readonly<Record<string, VersionRecord>>;
  /** The production version, if any. */
  readonly production: string | null;
  /** The shadow version, if any. */
  readonly shadow: string | null;
  /** The canary split, if any. */
  readonly traffic: TrafficSplit | null;
  /** Earlier production versions, most recent last: where {@link ModelRecord.production} rolls back to. */
  readonly productionHistory: readonly string[];
  /** Movable names (champion, challenger, ...) → version. */
  readonly aliases: Readonly<Record<string, string>>;
}

/** What an audit entry records. */
export type AuditAction =
  | 'register'
  | 'stage'
  | 'alias'
  | 'traffic'
  | 'shadow'
  | 'rollback'
  | 'canary-abort';

/** One pointer move, appended to the history and never changed. */
export interface AuditEntry {
  /** Position in the history, from 1. */
  readonly seq: number;
  /** When, in milliseconds since the epoch. */
  readonly at: number;
  /** Who did it. */
  readonly actor: string;
  /** The model. */
  readonly model: string;
  /** What moved. */
  readonly action: AuditAction;
  /** The pointer that moved: a stage, alias name, `'traffic'` or `'shadow'`. */
  readonly target: string;
  /** The previous value (a version, a split such as `'1.1.0@10%'`, or null). */
  readonly from: string | null;
  /** The new value. */
  readonly to: string | null;
  /** Why. */
  readonly reason: string;
}

/** The whole metadata of a store. */
export interface RegistryDocument {
  /** Document schema version. */
  readonly schema: 1;
  /** Models by name. */
  readonly models: Readonly<Record<string, ModelRecord>>;
  /** The audit history, in order. */
  readonly audit: readonly AuditEntry[];
}

/** The document of a new, empty store. */
export function emptyDocument(): RegistryDocument {
  return { schema: 1, models: {}, audit: [] };
}

/**
 * Every blob digest a document references.
 * @param doc - the document
 */
export function referencedDigests(doc: RegistryDocument): Set<string> {
  const out = new Set<string>();
  for (const m of Object.values(doc.models)) {
    for (const v of Object.values(m.versions)) out.add(v.digest);
  }
  return out;
}
