// Lexical relations between two words, from WordNet 3.1, for word-level
// alignment of a claim against its evidence. Words are looked up by the
// engine's token key (`Token.key`: synonyms folded, Porter-stemmed), the same
// key the table was built with (scripts/build-lexical-relations.ts).
//
// A key stands for every lemma that keys to it ("dog" is also "dogged",
// "vehicl" is "car" and "automobile") and, per lemma and part of speech, only
// its most frequent senses (those tagged in WordNet's SemCor
// counts, at most three, else the first). Two keys are related when any of
// their senses are; this is what a word with no part-of-speech tag can mean.
import { decodeNumbers } from "./lexical-relations-codec.ts";
import { KEY_SENSES, KEYS, SENSE_LINKS } from "./lexical-relations.generated.ts";

// Relations from the claim word's side, strongest first:
//   same       the keys are equal
//   synonym    they share a sense ("couch" / "sofa")
//   antonym    a sense of one is WordNet's antonym of a sense of the other
//              ("increase" / "decrease"), satellite adjectives included
//              through their head ("huge" / "small")
//   hypernym   the SOURCE word is more general: a sense of it is a direct
//              hypernym of a claim sense, or for nouns a hypernym's hypernym
//              (claim "dog", source "animal"): the source does not entail the claim
//   hyponym    the SOURCE word is more specific (claim "animal", source "dog"):
//              the source entails the claim
//   cohyponym  senses share a direct hypernym that has at most 50 hyponyms
//              ("dog" / "wolf" under "canid", "lion" / "tiger" under "big
//              cat"): siblings, often mutually exclusive
// When several hold (polysemy, stems shared by several words), the first in
// this order wins: a pair synonymous in one sense is never called antonyms,
// and a pair each more general than the other in some sense reads as
// "hypernym", the reading that does not let the source entail the claim.
export type LexicalRelation = "same" | "synonym" | "antonym" | "hypernym" | "hyponym" | "cohyponym";

export const LEXICAL_RELATION_ORDER: readonly LexicalRelation[] = ["same", "synonym", "antonym", "hypernym", "hyponym", "cohyponym"];

const NOUN = 2;
const LARGE_FAMILY = 1;

interface Table {
  keys: string[];
  keyIds: Map<string, number>;
  // Compressed sparse rows: item i owns values [start[i], start[i + 1]).
  senseStart: Int32Array;
  senses: Int32Array;
  flags: Uint8Array;
  parentStart: Int32Array;
  parents: Int32Array;
  antonymStart: Int32Array;
  antonyms: Int32Array;
}

let table: Table | undefined;

// Decoded on first use, once per isolate; the layout is documented in the
// build script. Plain loops over typed arrays: this runs at cold start.
function load(): Table {
  if (table) return table;
  const keys: string[] = [];
  let previous = "";
  let start = 0;
  for (let i = 1; i <= KEYS.length; i++) {
    if (i === KEYS.length || KEYS.charCodeAt(i) < 97) {
      const key = previous.slice(0, KEYS.charCodeAt(start) - 48) + KEYS.slice(start + 1, i);
      keys.push(key);
      previous = key;
      start = i;
    }
  }
  const keyIds = new Map<string, number>();
  keys.forEach((key, id) => keyIds.set(key, id));

  // Per key: how many fresh node ids it takes, then its other senses (sorted, delta-coded).
  const keyNumbers = decodeNumbers(KEY_SENSES);
  const senseStart = new Int32Array(keys.length + 1);
  let total = 0;
  for (let p = 0, k = 0; k < keys.length; k++) {
    const fresh = keyNumbers[p] ?? 0;
    const known = keyNumbers[p + 1] ?? 0;
    total += fresh + known;
    senseStart[k + 1] = total;
    p += 2 + known;
  }
  const senses = new Int32Array(total);
  let nextNode = 0;
  for (let p = 0, k = 0, out = 0; k < keys.length; k++) {
    const fresh = keyNumbers[p++] ?? 0;
    const known = keyNumbers[p++] ?? 0;
    for (let f = 0; f < fresh; f++) senses[out++] = nextNode++;
    let id = 0;
    for (let j = 0; j < known; j++) senses[out++] = id += keyNumbers[p++] ?? 0;
  }

  // Per node: flags; fresh parents, known parents; antonyms. Fresh parents are
  // the hypernyms that are no key's sense, numbered after all senses.
  const linkNumbers = decodeNumbers(SENSE_LINKS);
  let nodeCount = 0;
  let parentTotal = 0;
  let antonymTotal = 0;
  for (let p = 0; p < linkNumbers.length; nodeCount++) {
    const fresh = linkNumbers[p + 1] ?? 0;
    const known = linkNumbers[p + 2] ?? 0;
    const antonymCount = linkNumbers[p + 3 + known] ?? 0;
    parentTotal += fresh + known;
    antonymTotal += antonymCount;
    p += 4 + known + antonymCount;
  }
  const flags = new Uint8Array(nodeCount);
  const parentStart = new Int32Array(nodeCount + 1);
  const parents = new Int32Array(parentTotal);
  const antonymStart = new Int32Array(nodeCount + 1);
  const antonyms = new Int32Array(antonymTotal);
  for (let p = 0, node = 0, pOut = 0, aOut = 0; node < nodeCount; node++) {
    flags[node] = linkNumbers[p++] ?? 0;
    const fresh = linkNumbers[p++] ?? 0;
    const known = linkNumbers[p++] ?? 0;
    for (let f = 0; f < fresh; f++) parents[pOut++] = nextNode++;
    let id = 0;
    for (let j = 0; j < known; j++) parents[pOut++] = id += linkNumbers[p++] ?? 0;
    parentStart[node + 1] = pOut;
    const antonymCount = linkNumbers[p++] ?? 0;
    id = 0;
    for (let j = 0; j < antonymCount; j++) antonyms[aOut++] = id += linkNumbers[p++] ?? 0;
    antonymStart[node + 1] = aOut;
  }
  if (nextNode !== nodeCount) throw new Error("lexical-relations.generated.ts is corrupt: run npm run build:lexicon");
  table = { keys, keyIds, senseStart, senses, flags, parentStart, parents, antonymStart, antonyms };
  return table;
}

function contains(values: Int32Array, start: number, end: number, value: number): boolean {
  for (let i = start; i < end; i++) if (values[i] === value) return true;
  return false;
}

// Whether a sense of `general` is a hypernym of a sense of `specific`.
function isMoreGeneral(t: Table, specific: number, general: number): boolean {
  const gStart = t.senseStart[general] ?? 0;
  const gEnd = t.senseStart[general + 1] ?? 0;
  for (let i = t.senseStart[specific] ?? 0; i < (t.senseStart[specific + 1] ?? 0); i++) {
    const sense = t.senses[i] ?? 0;
    const twoSteps = ((t.flags[sense] ?? 0) & NOUN) !== 0;
    for (let j = t.parentStart[sense] ?? 0; j < (t.parentStart[sense + 1] ?? 0); j++) {
      const parent = t.parents[j] ?? 0;
      if (contains(t.senses, gStart, gEnd, parent)) return true;
      if (!twoSteps) continue;
      for (let g = t.parentStart[parent] ?? 0; g < (t.parentStart[parent + 1] ?? 0); g++) {
        if (contains(t.senses, gStart, gEnd, t.parents[g] ?? 0)) return true;
      }
    }
  }
  return false;
}

function relationOfIds(t: Table, a: number, b: number): LexicalRelation | null {
  const aStart = t.senseStart[a] ?? 0;
  const aEnd = t.senseStart[a + 1] ?? 0;
  const bStart = t.senseStart[b] ?? 0;
  const bEnd = t.senseStart[b + 1] ?? 0;
  for (let i = aStart; i < aEnd; i++) if (contains(t.senses, bStart, bEnd, t.senses[i] ?? 0)) return "synonym";
  for (let i = aStart; i < aEnd; i++) {
    const sense = t.senses[i] ?? 0;
    for (let j = t.antonymStart[sense] ?? 0; j < (t.antonymStart[sense + 1] ?? 0); j++) {
      if (contains(t.senses, bStart, bEnd, t.antonyms[j] ?? 0)) return "antonym";
    }
  }
  if (isMoreGeneral(t, a, b)) return "hypernym";
  if (isMoreGeneral(t, b, a)) return "hyponym";
  for (let i = aStart; i < aEnd; i++) {
    const senseA = t.senses[i] ?? 0;
    for (let j = t.parentStart[senseA] ?? 0; j < (t.parentStart[senseA + 1] ?? 0); j++) {
      const parent = t.parents[j] ?? 0;
      if (((t.flags[parent] ?? 0) & LARGE_FAMILY) !== 0) continue;
      for (let k = bStart; k < bEnd; k++) {
        const senseB = t.senses[k] ?? 0;
        if (contains(t.parents, t.parentStart[senseB] ?? 0, t.parentStart[senseB + 1] ?? 0, parent)) return "cohyponym";
      }
    }
  }
  return null;
}

// How the source word relates to the claim word; null when WordNet (as kept
// here) relates them in none of these ways or does not know either word.
export function lexicalRelation(claimKey: string, sourceKey: string): LexicalRelation | null {
  if (claimKey === sourceKey) return "same";
  const t = load();
  const a = t.keyIds.get(claimKey);
  const b = t.keyIds.get(sourceKey);
  if (a === undefined || b === undefined) return null;
  return relationOfIds(t, a, b);
}

export function hasLexicalEntry(key: string): boolean {
  return load().keyIds.has(key);
}

interface ReverseIndex {
  // node → keys having it as a sense; node → nodes having it as a parent.
  keyStart: Int32Array;
  keyIds: Int32Array;
  childStart: Int32Array;
  children: Int32Array;
}
let reverse: ReverseIndex | undefined;

function invert(count: number, each: (visit: (row: number, value: number) => void) => void): { start: Int32Array; values: Int32Array } {
  const start = new Int32Array(count + 1);
  let total = 0;
  each((_row, value) => {
    start[value + 1] = (start[value + 1] ?? 0) + 1;
    total++;
  });
  for (let i = 0; i < count; i++) start[i + 1] = (start[i + 1] ?? 0) + (start[i] ?? 0);
  const fill = start.slice(0, count);
  const values = new Int32Array(total);
  each((row, value) => {
    values[fill[value] ?? 0] = row;
    fill[value] = (fill[value] ?? 0) + 1;
  });
  return { start, values };
}

function loadReverse(t: Table): ReverseIndex {
  if (reverse) return reverse;
  const nodeCount = t.flags.length;
  const byKey = invert(nodeCount, (visit) => {
    for (let k = 0; k < t.keys.length; k++) for (let i = t.senseStart[k] ?? 0; i < (t.senseStart[k + 1] ?? 0); i++) visit(k, t.senses[i] ?? 0);
  });
  const byParent = invert(nodeCount, (visit) => {
    for (let n = 0; n < nodeCount; n++) for (let i = t.parentStart[n] ?? 0; i < (t.parentStart[n + 1] ?? 0); i++) visit(n, t.parents[i] ?? 0);
  });
  reverse = { keyStart: byKey.start, keyIds: byKey.values, childStart: byParent.start, children: byParent.values };
  return reverse;
}

// Every key related to `key`, strongest relation first, then by key. Meant for
// expanding a term (retrieval, alignment candidates), not for the hot path:
// the first call builds a reverse index.
export function relatedKeys(key: string): Array<{ key: string; relation: Exclude<LexicalRelation, "same"> }> {
  const t = load();
  const id = t.keyIds.get(key);
  if (id === undefined) return [];
  const r = loadReverse(t);
  const candidates = new Set<number>();
  const addKeysOf = (node: number): void => {
    for (let i = r.keyStart[node] ?? 0; i < (r.keyStart[node + 1] ?? 0); i++) candidates.add(r.keyIds[i] ?? 0);
  };
  const forChildren = (node: number, visit: (child: number) => void): void => {
    for (let i = r.childStart[node] ?? 0; i < (r.childStart[node + 1] ?? 0); i++) visit(r.children[i] ?? 0);
  };
  const forParents = (node: number, visit: (parent: number) => void): void => {
    for (let i = t.parentStart[node] ?? 0; i < (t.parentStart[node + 1] ?? 0); i++) visit(t.parents[i] ?? 0);
  };
  for (let i = t.senseStart[id] ?? 0; i < (t.senseStart[id + 1] ?? 0); i++) {
    const sense = t.senses[i] ?? 0;
    addKeysOf(sense);
    for (let j = t.antonymStart[sense] ?? 0; j < (t.antonymStart[sense + 1] ?? 0); j++) addKeysOf(t.antonyms[j] ?? 0);
    forParents(sense, (parent) => {
      addKeysOf(parent);
      forParents(parent, addKeysOf);
      if (((t.flags[parent] ?? 0) & LARGE_FAMILY) === 0) forChildren(parent, addKeysOf);
    });
    forChildren(sense, (child) => {
      addKeysOf(child);
      forChildren(child, addKeysOf);
    });
  }
  candidates.delete(id);
  const out: Array<{ key: string; relation: Exclude<LexicalRelation, "same"> }> = [];
  for (const other of candidates) {
    const relation = relationOfIds(t, id, other);
    if (relation !== null && relation !== "same") out.push({ key: t.keys[other] ?? "", relation });
  }
  const rank = (relation: LexicalRelation): number => LEXICAL_RELATION_ORDER.indexOf(relation);
  return out.sort((x, y) => rank(x.relation) - rank(y.relation) || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}
