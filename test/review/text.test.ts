import { describe, expect, it } from "vitest";
import { extractClaims } from "../../src/review/extract-claims.ts";
import { findCitationMarkers } from "../../src/review/citations.ts";
import { createTokenizer, keyOfWord, scanWords, splitSentences, type Token } from "../../src/review/text.ts";

function sentences(text: string): string[] {
  return splitSentences(text).map((s) => text.slice(s.start, s.end));
}

describe("sentence splitting", () => {
  it("keeps abbreviations, initials and decimals inside their sentence", () => {
    expect(sentences("Dr. Smith joined in Jan. 2020 with a 3.5 percent stake. Sir C. V. Raman won, e.g. in physics. It ended.")).toEqual([
      "Dr. Smith joined in Jan. 2020 with a 3.5 percent stake.",
      "Sir C. V. Raman won, e.g. in physics.",
      "It ended.",
    ]);
  });

  it("splits glued paragraphs with no space after the full stop", () => {
    expect(sentences('She is known for the "American Pie" film series.American Pie is a 1999 film.')).toEqual([
      'She is known for the "American Pie" film series.',
      "American Pie is a 1999 film.",
    ]);
  });

  it("does not split dotted acronyms followed by a name", () => {
    expect(sentences("The U.S. President spoke. In the U.S. The vote followed.")).toEqual([
      "The U.S. President spoke.",
      "In the U.S.",
      "The vote followed.",
    ]);
  });

  it("keeps a closing quote with its sentence", () => {
    expect(sentences('He said "yes." Then he left.')).toEqual(['He said "yes."', "Then he left."]);
  });

  it("strips list markers and marks headings and lead-ins", () => {
    const text = "# Summary\nHere is what changed:\n- Admins can export logs.\n2. Refunds take 30 days.";
    const ranges = splitSentences(text);
    expect(ranges.map((r) => [text.slice(r.start, r.end), r.isHeading])).toEqual([
      ["Summary", true],
      ["Here is what changed:", true],
      ["Admins can export logs.", false],
      ["Refunds take 30 days.", false],
    ]);
  });

  it("splits CJK sentences at the ideographic full stop", () => {
    expect(sentences("管理员可以导出日志。客户可以退款。")).toEqual(["管理员可以导出日志。", "客户可以退款。"]);
  });
});

describe("claim offsets", () => {
  it("are UTF-16 offsets that slice back to the claim text, with emoji and CJK before them", () => {
    const output = "🎉 Admins can export audit logs. 管理员可以导出日志。 Refunds take 30 days 👍.";
    const claims = extractClaims(output, null, findCitationMarkers(output, []));
    expect(claims.map((c) => c.text)).toEqual(["Admins can export audit logs", "管理员可以导出日志", "Refunds take 30 days"]);
    for (const claim of claims) expect(output.slice(claim.start, claim.end)).toBe(claim.text);
    expect(claims[0]?.start).toBe(3);
  });
});

describe("sentence splitting in all-lower-case chat", () => {
  it("ends a sentence at . ! ? before a lower-case word when the text has no capitals at all", () => {
    expect(sentences("i can imagine! the field was founded by luca pacioli in 1494. did you know that? it is old.")).toEqual([
      "i can imagine!",
      "the field was founded by luca pacioli in 1494.",
      "did you know that?",
      "it is old.",
    ]);
    // With capitals in the text, a lower-case word after "!" continues the sentence ("Yahoo! said …").
    expect(sentences("Yahoo! said on Monday it would grow. It did.")).toEqual(["Yahoo! said on Monday it would grow.", "It did."]);
  });
});

describe("claim extraction", () => {
  const extract = (output: string, question: string | null = null) => extractClaims(output, question, findCitationMarkers(output, []));

  it("reads an appended part with the clause it extends, and an opening pronoun as the name before it, at unchanged offsets", () => {
    const output = "Customers can request refunds within 30 days, including international orders. The Eiffel Tower opened in 1889. It was designed by Gustave Eiffel. Marie Curie won two prizes. Her work changed physics. The company grew. It hired staff.";
    const claims = extract(output);
    for (const claim of claims) expect(output.slice(claim.start, claim.end)).toBe(claim.text);
    expect(claims.map((c) => [c.text, c.normalizedText])).toEqual([
      ["Customers can request refunds within 30 days", "customers can request refunds within 30 days"],
      ["including international orders", "customers can request refunds within 30 days, including international orders"],
      ["The Eiffel Tower opened in 1889", "the eiffel tower opened in 1889"],
      ["It was designed by Gustave Eiffel", "the eiffel tower was designed by gustave eiffel"],
      ["Marie Curie won two prizes", "marie curie won two prizes"],
      ["Her work changed physics", "marie curie's work changed physics"],
      ["The company grew", "the company grew"],
      // No name to stand for "it": left as written, not guessed.
      ["It hired staff", "it hired staff"],
    ]);
  });

  it("drops greetings, questions, offers of help and preambles", () => {
    const output = "Sure! Here is a summary:\nHello team.\nAdmins can export audit logs.\nDo you want more detail?\nLet me know if you have questions.";
    expect(extract(output).map((c) => c.text)).toEqual(["Admins can export audit logs"]);
  });


  it("checks what a 'did you know' question asserts, and nothing else a question says", () => {
    const output = "Oh, did you know that the museum opens at 9 on Sundays? Have you heard of the new wing? Do you know when it closes?";
    const claims = extract(output);
    expect(claims.map((c) => c.text)).toEqual(["the museum opens at 9 on Sundays"]);
    expect(output.slice(claims[0]?.start, claims[0]?.end)).toBe("the museum opens at 9 on Sundays");
  });
  it("splits semicolons, ', and <subject>' and ', including' but not 'not only … but also'", () => {
    const output = "Logs are kept for 90 days; exports run nightly. The plan is not only cheap but also durable, and it ships to all customers, including resellers.";
    expect(extract(output).map((c) => [c.text, c.role])).toEqual([
      ["Logs are kept for 90 days", "clause"],
      ["exports run nightly", "clause"],
      ["The plan is not only cheap but also durable", "clause"],
      ["it ships to all customers", "clause"],
      ["including resellers", "appended"],
    ]);
  });

  it("keeps balanced markdown emphasis and drops list markers", () => {
    const output = "- **Refunds** take 30 days.\n* *Admins* can export logs.\n1. Exports run **nightly**.";
    expect(extract(output).map((c) => c.text)).toEqual(["**Refunds** take 30 days", "*Admins* can export logs", "Exports run **nightly**"]);
  });

  it("classifies claim types", () => {
    const types = extract("Admins can export logs. Users must enable MFA. You should rotate keys. Outages happen because of load. The API is fast.").map((c) => c.claimType);
    expect(types).toEqual(["permission", "normative", "recommendation", "causal", "factual"]);
  });

  it("reads a bare answer together with the question", () => {
    const claims = extract("22", "How many Test centuries did Colin Cowdrey make?");
    expect(claims).toHaveLength(1);
    expect(claims[0]?.role).toBe("answer");
    expect(claims[0]?.normalizedText).toBe("22 (answer to: how many test centuries did colin cowdrey make?)");
  });
});

describe("tokens", () => {
  it("fold inflections and listed synonyms onto one key", () => {
    const tokenize = createTokenizer();
    const keys = (text: string) => tokenize(text).map((t) => t.key);
    expect(keys("refunds requested purchase")).toEqual(keys("refund request buy"));
    expect(keys("utilizing")).toEqual(keys("use"));
    expect(keys("7,585")).toEqual(["7585"]);
  });
});

describe("the tokenizer's spelling cache", () => {
  // What a token is, computed from scratch for every word: the cached
  // tokenizer must agree with it whether a spelling is new, already cached,
  // too long to cache, or the cache was just cleared.
  function tokensFromScratch(text: string): Token[] {
    const tokens: Token[] = [];
    scanWords(text, 0, text.length, (start, end, isNumber) => {
      const raw = text.slice(start, end);
      const lower = raw.toLowerCase();
      const initial = raw[0] ?? "";
      tokens.push({ raw, lower, key: keyOfWord(lower, isNumber), start, end, isNumber, isCapitalized: initial !== initial.toLowerCase() });
    });
    return tokens;
  }

  it("gives every occurrence the token computed from scratch", () => {
    const tokenize = createTokenizer();
    const text = "Refunds take 30 days; refunds TAKE 1,500 dollars. Don't café Über U.S. naïve 𝐀lpha " + `${"x".repeat(60)} ${"X".repeat(60)} `.repeat(2);
    expect(tokenize(text)).toEqual(tokensFromScratch(text));
    expect(tokenize(text)).toEqual(tokensFromScratch(text));
    expect(tokenize(text, 8, 40)).toEqual(tokensFromScratch(text).filter((t) => t.start >= 8 && t.end <= 40));
  });

  it("stays right after more distinct words than it keeps", () => {
    const tokenize = createTokenizer();
    // 70,000 distinct words overflow the cache, so it is cleared mid-text.
    const words = Array.from({ length: 70_000 }, (_, i) => `w${i.toString(36)}Q`);
    const text = `${words.join(" ")} Refunds refunds ${words.slice(0, 500).join(" ")}`;
    expect(tokenize(text)).toEqual(tokensFromScratch(text));
  });
});
