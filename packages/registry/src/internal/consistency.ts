/** Consistency rules of a registry document, for `verify()`. */
import type { RegistryDocument } from '../document.js';
import { isDigest } from '../storage.js';

/** A problem found in the document (the shape of `VerifyProblem`). */
export interface DocumentProblem {
  readonly kind: string;
  readonly message: string;
  readonly model?: string;
  readonly version?: string;
  readonly digest?: string;
}

/** Every inconsistency between the document's pointers, stages and audit sequence. */
export function checkDocument(doc: RegistryDocument): DocumentProblem[] {
  const out: DocumentProblem[] = [];
  for (const m of Object.values(doc.models)) {
    const bad = (message: string, version?: string) =>
      out.push({ kind: 'pointer', message, model: m.name, ...(version ? { version } : {}) });
    for (const v of Object.values(m.versions)) {
      if (!isDigest(v.digest)) {
        out.push({
          kind: 'bad-record',
          message: 'digest is not a SHA-256',
          model: m.name,
          version: v.version,
        });
      }
      if (v.stage === 'production' && m.production !== v.version)
        bad('production stage without the pointer', v.version);
      if (v.stage === 'shadow' && m.shadow !== v.version)
        bad('shadow stage without the pointer', v.version);
    }
    const pointers: [string, string | null | undefined, string][] = [
      ['production', m.production, 'production'],
      ['shadow', m.shadow, 'shadow'],
      ['canary', m.traffic?.canary, 'staging'],
    ];
    for (const [name, v, stage] of pointers) {
      if (v === null || v === undefined) continue;
      const rec = m.versions[v];
      if (rec === undefined) bad(`${name} points at a missing version`, v);
      else if (rec.stage !== stage) bad(`${name} points at a version in ${rec.stage}`, v);
    }
    for (const [alias, v] of Object.entries(m.aliases)) {
      if (m.versions[v] === undefined) bad(`alias ${alias} points at a missing version`, v);
    }
    for (const v of m.productionHistory) {
      if (m.versions[v] === undefined) bad('production history names a missing version', v);
    }
  }
  doc.audit.forEach((e, i) => {
    if (e.seq !== i + 1) {
      out.push({
        kind: 'audit',
        message: `audit entry ${i + 1} has sequence number ${e.seq}`,
        model: e.model,
      });
    }
  });
  return out;
}
