/**
 * Duplicate-key detection for JSON text that `JSON.parse` has already accepted. `JSON.parse` keeps
 * the last of duplicate keys silently; a safetensors header with two entries of one name is
 * ambiguous, so the reader rejects it.
 */

/**
 * The first key that occurs twice in one object of `text`, or `undefined`. `text` must be valid
 * JSON (call `JSON.parse` first): the scan only tracks strings, nesting and key positions.
 */
export function firstDuplicateKey(text: string): string | undefined {
  // One frame per open container: the keys seen so far (objects) or null (arrays).
  const frames: (Set<string> | null)[] = [];
  let expectKey = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 0x5c /* \ */) j += 2;
        else if (d === 0x22) break;
        else j++;
      }
      const top = frames.length > 0 ? frames[frames.length - 1] : null;
      if (expectKey && top !== null && top !== undefined) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.has(key)) return key;
        top.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */) {
      frames.push(new Set());
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      frames.push(null);
      expectKey = false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      frames.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      const top = frames[frames.length - 1];
      expectKey = top !== null && top !== undefined;
    }
  }
  return undefined;
}
