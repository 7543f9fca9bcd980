import { porterStem } from "./stem.ts";

// Numbers, amounts, durations, percentages and dates normalized to comparable
// values, with the exact text they came from (used in rationales and repairs).

export type QuantityKind = "money" | "percent" | "basis_points" | "duration" | "year" | "date" | "ordinal" | "count";

export interface Quantity {
  kind: QuantityKind;
  // Durations in days; money in currency units; dates as month*100+day.
  value: number;
  // Upper end of a range ("between $90 million and $100 million", "30-60 days").
  high: number | null;
  // Currency code, ordinal/count noun stem, or null when unknown.
  unit: string | null;
  raw: string;
  start: number;
  end: number;
  // Decimal places as written, so "3.1 billion" matches a source's 3.09 billion.
  precision: number;
}

const SMALL_NUMBERS: ReadonlyArray<string> = [
  "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
  "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
];
const TENS: ReadonlyArray<string> = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
const ORDINAL_WORDS: ReadonlyArray<string> = [
  "zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
  "eleventh", "twelfth",
];
const MONTHS: ReadonlyArray<string> = [
  "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
];
const SCALES: ReadonlyMap<string, number> = new Map([
  ["thousand", 1e3], ["k", 1e3], ["million", 1e6], ["m", 1e6], ["mn", 1e6], ["mm", 1e6], ["billion", 1e9],
  ["b", 1e9], ["bn", 1e9], ["trillion", 1e12], ["tn", 1e12],
]);
const CURRENCY_SYMBOLS: ReadonlyMap<string, string> = new Map([["$", "usd"], ["€", "eur"], ["£", "gbp"], ["¥", "jpy"]]);
const CURRENCY_WORDS: ReadonlyMap<string, string> = new Map([
  ["dollar", "usd"], ["dollars", "usd"], ["usd", "usd"], ["euro", "eur"], ["euros", "eur"], ["eur", "eur"],
  ["pound", "gbp"], ["pounds", "gbp"], ["gbp", "gbp"], ["yen", "jpy"], ["cents", "cent"], ["cent", "cent"],
]);
const DURATION_DAYS: ReadonlyMap<string, number> = new Map([
  ["second", 1 / 86400], ["minute", 1 / 1440], ["hour", 1 / 24], ["day", 1], ["week", 7], ["fortnight", 14],
  ["month", 30], ["quarter", 91], ["year", 365], ["decade", 3650],
]);

const WRITTEN_NUMBER = `(?:${TENS.filter(Boolean).join("|")})(?:[- ](?:${SMALL_NUMBERS.slice(1, 10).join("|")}))?|${SMALL_NUMBERS.join("|")}|a dozen|dozen|a hundred|hundred`;
const DIGITS = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`;
const NUMBER = `(?:${DIGITS}|(?:${WRITTEN_NUMBER})\\b)`;
const SCALE = String.raw`(?:\s?(?:thousand|million|billion|trillion|bn|mn|tn|[kmb])\b)?`;
// "and" joins a range only after "between"; elsewhere it joins two facts.
// The look-behind reads at most two words of bounded length: an unbounded
// `\S+` would rescan a long run without spaces at every position (quadratic).
const RANGE_JOIN = String.raw`(?:\s?[-–—]\s?|\sto\s|(?<=\bbetween\s\S{1,40}(?:\s\S{1,40})?)\sand\s)`;

interface Pattern {
  kind: QuantityKind;
  // A cheap necessary condition, tested before the full pattern.
  hint: RegExp;
  regex: RegExp;
}

// Ordered: the first pattern to claim a stretch of text wins, so "$35M" is
// money and never also a count.
const PATTERNS: ReadonlyArray<Pattern> = [
  {
    kind: "money",
    hint: /[$€£¥]/,
    regex: new RegExp(String.raw`([$€£¥])\s?(${DIGITS})(${SCALE})(?:${RANGE_JOIN}[$€£¥]?\s?(${DIGITS})(${SCALE}))?`, "giu"),
  },
  {
    kind: "money",
    hint: /dollar|usd|euro|eur|pound|gbp|yen|cent/i,
    regex: new RegExp(String.raw`\b(${NUMBER})(${SCALE})(?:${RANGE_JOIN}(${NUMBER})(${SCALE}))?\s?(dollars?|usd|euros?|eur|pounds|gbp|yen|cents?)\b`, "giu"),
  },
  {
    kind: "percent",
    hint: /%|percent|per cent/i,
    regex: new RegExp(String.raw`\b(${NUMBER})(?:${RANGE_JOIN}(${NUMBER}))?\s?(%|percent\b|per cent\b|percentage points?\b)`, "giu"),
  },
  { kind: "basis_points", hint: /basis point|bps/i, regex: new RegExp(String.raw`\b(${NUMBER})\s?(?:basis points?|bps)\b`, "giu") },
  {
    kind: "duration",
    hint: /second|minute|hour|day|week|fortnight|month|year|decade/i,
    regex: new RegExp(
      String.raw`\b(${NUMBER})(?:${RANGE_JOIN}(${NUMBER}))?[\s-](?:business[\s-]|calendar[\s-]|working[\s-])?(seconds?|minutes?|hours?|days?|weeks?|fortnights?|months?|years?|decades?)\b`,
      "giu",
    ),
  },
  {
    kind: "date",
    // Both forms put a day number next to the month ("May 2", "2nd of May"):
    // "may" the verb alone does not run the pattern. "ſ" stands where the
    // pattern's /iu case folding lets it match an "s".
    hint: /(?:jan|feb|mar|apr|may|jun|jul|aug|[sſ]ep|oct|nov|dec)[^\s\d]*\s\d|\d(?:[a-zſ]{2})?\s(?:of\s)?(?:jan|feb|mar|apr|may|jun|jul|aug|[sſ]ep|oct|nov|dec)/i,
    regex: new RegExp(
      String.raw`\b(${MONTHS.join("|")}|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?\s(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s(\d{4}))?|\b(\d{1,2})(?:st|nd|rd|th)?\s(?:of\s)?(${MONTHS.join("|")})\b(?:,?\s(\d{4}))?`,
      "giu",
    ),
  },
  { kind: "ordinal", hint: /q[1-4]|\d(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth/i, regex: /\bQ([1-4])\b|\b(\d{1,3})(?:st|nd|rd|th)\b|\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth)\b/giu },
  { kind: "year", hint: /\d{4}/, regex: /\b(1[5-9]\d\d|20\d\d)s?\b/gu },
  { kind: "count", hint: /./, regex: new RegExp(String.raw`\b(${NUMBER})(${SCALE})`, "giu") },
];

export function parseNumberWord(text: string): number | null {
  const lower = text.toLowerCase().trim();
  if (/^[\d.,]+$/.test(lower)) {
    const cleaned = /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(lower) ? lower.replace(/,/g, "") : lower;
    const value = Number(cleaned);
    return Number.isFinite(value) ? value : null;
  }
  if (lower === "dozen" || lower === "a dozen") return 12;
  if (lower === "hundred" || lower === "a hundred") return 100;
  const small = SMALL_NUMBERS.indexOf(lower);
  if (small >= 0) return small;
  const parts = lower.split(/[- ]/);
  const tens = TENS.indexOf(parts[0] ?? "");
  if (tens < 2) return null;
  const unit = parts[1] === undefined ? 0 : SMALL_NUMBERS.indexOf(parts[1]);
  return unit < 0 ? null : tens * 10 + unit;
}

function scaleOf(text: string | undefined): number {
  const word = (text ?? "").trim().toLowerCase();
  return word === "" ? 1 : (SCALES.get(word) ?? 1);
}

function precisionOf(text: string): number {
  const dot = /\.(\d+)$/.exec(text.replace(/,/g, ""));
  return dot?.[1]?.length ?? 0;
}

// The noun a bare count or ordinal refers to ("22 Test centuries" → "centuri"),
// so two counts are compared only when they count the same thing.
function followingNoun(text: string, from: number): string | null {
  const match = /^[\s-]+(?:[A-Za-z]+\s+)?([A-Za-z]{3,})/.exec(text.slice(from, from + 40));
  if (!match) return null;
  const word = match[1];
  return word ? porterStem(word.toLowerCase()) : null;
}

function build(kind: QuantityKind, match: RegExpExecArray, text: string): Quantity | null {
  const raw = match[0];
  const start = match.index;
  const end = start + raw.length;
  const base = { raw, start, end, high: null as number | null, unit: null as string | null, precision: 0 };
  switch (kind) {
    case "money": {
      if (match[1] !== undefined && CURRENCY_SYMBOLS.has(match[1])) {
        const value = parseNumberWord(match[2] ?? "");
        if (value === null) return null;
        const high = match[4] !== undefined ? parseNumberWord(match[4]) : null;
        const highScale = match[5] !== undefined && match[5] !== "" ? scaleOf(match[5]) : scaleOf(match[3]);
        return {
          ...base, kind, value: value * scaleOf(match[3]), high: high === null ? null : high * highScale,
          unit: CURRENCY_SYMBOLS.get(match[1]) ?? null, precision: precisionOf(match[2] ?? ""),
        };
      }
      const value = parseNumberWord(match[1] ?? "");
      if (value === null) return null;
      const high = match[3] !== undefined ? parseNumberWord(match[3]) : null;
      return {
        ...base, kind, value: value * scaleOf(match[2]), high: high === null ? null : high * scaleOf(match[4] || match[2]),
        unit: CURRENCY_WORDS.get((match[5] ?? "").toLowerCase()) ?? null, precision: precisionOf(match[1] ?? ""),
      };
    }
    case "percent":
    case "basis_points": {
      const value = parseNumberWord(match[1] ?? "");
      if (value === null) return null;
      const high = kind === "percent" && match[2] !== undefined ? parseNumberWord(match[2]) : null;
      return { ...base, kind, value, high, precision: precisionOf(match[1] ?? "") };
    }
    case "duration": {
      const value = parseNumberWord(match[1] ?? "");
      if (value === null) return null;
      const unitWord = (match[3] ?? "").toLowerCase().replace(/s$/, "");
      const days = DURATION_DAYS.get(unitWord) ?? 1;
      const high = match[2] !== undefined ? parseNumberWord(match[2]) : null;
      return { ...base, kind, value: value * days, high: high === null ? null : high * days, unit: unitWord, precision: precisionOf(match[1] ?? "") };
    }
    case "date": {
      const monthText = (match[1] ?? match[5] ?? "").toLowerCase();
      const month = MONTHS.findIndex((name) => name.startsWith(monthText.slice(0, 3))) + 1;
      const day = Number(match[2] ?? match[4]);
      if (month < 1 || !(day >= 1 && day <= 31)) return null;
      return { ...base, kind, value: month * 100 + day };
    }
    case "ordinal": {
      if (match[1] !== undefined) return { ...base, kind, value: Number(match[1]), unit: "quarter" };
      const value = match[2] !== undefined ? Number(match[2]) : ORDINAL_WORDS.indexOf((match[3] ?? "").toLowerCase());
      const unit = followingNoun(text, end);
      // Bare "first" is usually sequencing ("first, …"), not a value; so is
      // "to first secure the scene", where it modifies a verb.
      if (unit === null || value <= 0) return null;
      if (match[3] !== undefined && /\bto\s+$/i.test(text.slice(Math.max(0, start - 4), start))) return null;
      // "messages are first received", "among the first to adopt it": a
      // written-out ordinal before a participle or "to" orders events.
      if (match[3] !== undefined && /^\s+(?:to\b|[a-z]+ed\b)/.test(text.slice(end, end + 30))) return null;
      return { ...base, kind, value, unit };
    }
    case "year":
      return { ...base, kind, value: Number(match[1]) };
    case "count": {
      const value = parseNumberWord(match[1] ?? "");
      if (value === null) return null;
      // "one" is far more often a pronoun ("one of the …") than a count.
      if (/^(one|zero)$/i.test(match[1] ?? "")) return null;
      return { ...base, kind, value: value * scaleOf(match[2]), unit: followingNoun(text, end), precision: precisionOf(match[1] ?? "") };
    }
  }
}

export const NUMBER_WORDS: ReadonlySet<string> = new Set([...SMALL_NUMBERS, ...TENS.filter(Boolean), "dozen", "hundred"]);
const MAY_HOLD_QUANTITY = new RegExp(String.raw`\d|\b(?:${[...NUMBER_WORDS, ...ORDINAL_WORDS.slice(1)].join("|")})\b`, "i");

// Years inside a full date are also emitted as years, so "May 2, 1999" supports "1999".
// Offsets are into `text`; only text[from, to) is read.
// More values than any sentence of prose holds; past it a "sentence" is a
// table dump or noise, and reading further only costs time.
export const MAX_VALUES_PER_TEXT = 500;

// "as stated in passage 2", "see step 3", "source 1 says", "passage ID 1": the number names a
// place in the text, it is not a fact the sources must hold.
const REFERENCE_BEFORE = /\b(?:passages?|sources?|documents?|docs?|references?|refs?|citations?|footnotes?|figures?|figs?|tables?|appendix|steps?|exhibits?)\.?\s+(?:no\.?\s*|#\s*|id\s+|number\s+)?$/i;

const TAKEN_REUSE_LIMIT = 4096;
const takenBuffer = new Uint8Array(TAKEN_REUSE_LIMIT);

export function extractQuantities(text: string, from = 0, to = text.length): Quantity[] {
  const slice = from === 0 && to === text.length ? text : text.slice(from, to);
  // Most sentences hold no value at all; one cheap test spares nine patterns.
  if (!MAY_HOLD_QUANTITY.test(slice)) return [];
  // Characters already claimed by an earlier pattern's match: checking a
  // match costs its own length, not the number of values found so far.
  // A sentence-sized text reuses one buffer: a typed array per call is an
  // off-heap allocation the collector must track.
  const taken = slice.length <= TAKEN_REUSE_LIMIT ? takenBuffer.fill(0, 0, slice.length) : new Uint8Array(slice.length);
  const found: Quantity[] = [];
  const overlaps = (start: number, end: number): boolean => {
    for (let i = start; i < end; i++) if (taken[i] === 1) return true;
    return false;
  };
  for (const pattern of PATTERNS) {
    if (!pattern.hint.test(slice)) continue;
    pattern.regex.lastIndex = 0;
    let match: RegExpExecArray | null;
    while (found.length < MAX_VALUES_PER_TEXT && (match = pattern.regex.exec(slice)) !== null) {
      if (match[0].length === 0) {
        pattern.regex.lastIndex++;
        continue;
      }
      const start = match.index;
      const end = start + match[0].length;
      if (overlaps(start, end)) continue;
      if (REFERENCE_BEFORE.test(slice.slice(Math.max(0, start - 24), start))) continue;
      const quantity = build(pattern.kind, match, slice);
      if (!quantity) continue;
      found.push({ ...quantity, start: quantity.start + from, end: quantity.end + from });
      taken.fill(1, start, end);
      if (pattern.kind === "date") {
        const yearText = match[3] ?? match[6];
        if (yearText !== undefined) {
          const yearStart = from + start + match[0].lastIndexOf(yearText);
          found.push({ kind: "year", value: Number(yearText), high: null, unit: null, raw: yearText, start: yearStart, end: yearStart + 4, precision: 0 });
        }
      }
    }
  }
  return found.sort((a, b) => a.start - b.start || a.end - b.end);
}

function sameValue(claimValue: number, sourceValue: number, claimPrecision: number): boolean {
  if (claimValue === sourceValue) return true;
  const magnitude = Math.max(Math.abs(claimValue), Math.abs(sourceValue));
  if (Math.abs(claimValue - sourceValue) <= magnitude * 1e-9) return true;
  // Rounded restatement: compare at the claim's written precision and scale.
  const scale = [1e12, 1e9, 1e6, 1e3, 1].find((s) => Math.abs(claimValue) >= s) ?? 1;
  const factor = 10 ** claimPrecision;
  return Math.round((sourceValue / scale) * factor) === Math.round((claimValue / scale) * factor);
}

// Whether two quantities talk about the same dimension, so a different value
// is a conflict rather than a different fact.
export function comparable(claim: Quantity, source: Quantity): boolean {
  if (claim.kind === "year" && source.kind === "year") return true;
  if (claim.kind !== source.kind) return false;
  switch (claim.kind) {
    case "money":
      return claim.unit === null || source.unit === null || claim.unit === source.unit;
    case "ordinal":
    case "count":
      return claim.unit !== null && claim.unit === source.unit;
    default:
      return true;
  }
}

export function quantityMatches(claim: Quantity, source: Quantity): boolean {
  if (!comparable(claim, source) && !(claim.kind === "count" && source.kind === "count" && (claim.unit === null || source.unit === null))) {
    return false;
  }
  if (source.high !== null && claim.high === null) {
    return claim.value >= source.value && claim.value <= source.high;
  }
  if (claim.high !== null) {
    return source.high !== null && sameValue(claim.value, source.value, claim.precision) && sameValue(claim.high, source.high, claim.precision);
  }
  return sameValue(claim.value, source.value, claim.precision);
}

// Loose equality used to decide whether a value occurs anywhere in the sources.
export function sameNumber(claim: Quantity, source: Quantity): boolean {
  if (claim.kind === "money" && source.kind === "percent") return false;
  if (claim.kind === "percent" && source.kind === "money") return false;
  return sameValue(claim.value, source.value, claim.precision) || (source.high !== null && sameValue(claim.value, source.high, claim.precision));
}
