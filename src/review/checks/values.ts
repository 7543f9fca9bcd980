import { valueIn } from "../alignment.ts";
import { comparable, quantityMatches, sameNumber, type Quantity } from "../quantities.ts";
import type { SourceIndex } from "../retrieve.ts";
import { THRESHOLDS } from "../thresholds.ts";
import { normalizeNumberText } from "../text.ts";
import type { Finding } from "./finding.ts";
import type { CheckContext } from "./context.ts";

// Values: a number in the claim must occur in the evidence; a different value
// of the same kind there is a contradiction (value_conflict), and a value no
// source states at all is unsupported (value_missing). The first value that
// fires decides.
export function valueChecks({ alignment, sourceTitle }: CheckContext): Finding[] {
  const { best, claimQuantities, index } = alignment;
  for (const quantity of claimQuantities) {
    let conflict: Quantity | undefined;
    if (valueIn(quantity, best.window, index)) {
      // Slot comparison: an ordinal or count of the same noun in a sentence the
      // claim follows closely ("the third quarter" against "the second
      // quarter") outweighs the value turning up in a neighbouring sentence.
      if (quantity.unit === null || (quantity.kind !== "ordinal" && quantity.kind !== "count")) continue;
      if (best.sentenceCoverage < THRESHOLDS.slotValueCoverage || valueIn(quantity, [best.sentence], index)) continue;
      conflict = conflictingValue(quantity, claimQuantities, index.quantitiesOf(best.sentence));
      if (!conflict) continue;
    }
    conflict ??= conflictingValue(quantity, claimQuantities, index.quantitiesOf(best.sentence));
    const errorSpans = [{ start: quantity.start, end: quantity.end }];
    if (conflict && best.windowCoverage >= THRESHOLDS.valueConflictCoverage) {
      const sourceContent = index.sources[best.sentence.sourceIndex]?.content ?? "";
      const sourceValue = sourceContent.slice(conflict.start, conflict.end);
      return [{
        status: "contradicted",
        check: "value_conflict",
        rationale: `${sourceTitle} states ${sourceValue}, but the claim says ${quantity.raw}.`,
        errorSpans,
        repair: {
          outputStart: quantity.start,
          outputEnd: quantity.end,
          sourceIndex: best.sentence.sourceIndex,
          sourceStart: conflict.start,
          sourceEnd: conflict.end,
        },
      }];
    }
    if (!valueOccursAnywhere(quantity, index)) {
      const nearest = index.quantitiesOf(best.sentence)[0];
      const hint = nearest ? ` The closest source statement gives ${nearest.raw}.` : "";
      return [{
        status: "unsupported",
        check: "value_missing",
        rationale: `No supplied source states ${quantity.raw}.${hint}`,
        missingTerms: [quantity.raw],
        errorSpans,
      }];
    }
  }
  return [];
}

// The evidence value a claim value contradicts: of the same kind, different,
// and not the counterpart of another of the claim's values: in "$6.90 per
// share and earned $3.1 billion", the source's $3.1 billion answers the second
// value, so it cannot contradict the first.
function conflictingValue(quantity: Quantity, claimQuantities: ReadonlyArray<Quantity>, evidence: ReadonlyArray<Quantity>): Quantity | undefined {
  return evidence.find((e) => {
    if (!comparable(quantity, e) || quantityMatches(quantity, e)) return false;
    if (claimQuantities.some((other) => other !== quantity && quantityMatches(other, e))) return false;
    return true;
  });
}

function valueOccursAnywhere(quantity: Quantity, index: SourceIndex): boolean {
  const key = normalizeNumberText(String(quantity.kind === "duration" || quantity.kind === "date" ? "" : quantity.value));
  const keys = new Set<string>();
  const digits = /\d[\d.,]*/.exec(quantity.raw);
  if (digits) keys.add(normalizeNumberText(digits[0]));
  if (key !== "") keys.add(key);
  const seen = new Set<number>();
  for (const k of keys) {
    for (const id of [...index.sentencesContaining(k), ...index.sentencesWithGluedNumber(k)]) {
      if (seen.has(id)) continue;
      seen.add(id);
      const sentence = index.sentences[id];
      if (sentence && index.quantitiesOf(sentence).some((e) => sameNumber(quantity, e))) return true;
    }
  }
  // Written-out numbers in the source ("twelve") are not in the posting lists.
  return index.sentencesWithNumberWords.some((id) => {
    const sentence = index.sentences[id];
    return sentence !== undefined && index.quantitiesOf(sentence).some((e) => sameNumber(quantity, e));
  });
}
