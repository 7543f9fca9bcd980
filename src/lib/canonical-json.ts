/**
 * Key order and whitespace do not make two bodies different. Built with an
 * explicit stack, not recursion: a request body can nest thousands of levels
 * before any schema has looked at it.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  // Each pending item is text to write or a value to expand, last to be done first.
  const pending: ({ text: string } | { value: unknown })[] = [{ value }];
  while (pending.length > 0) {
    const item = pending.pop()!;
    if ("text" in item) {
      out.push(item.text);
      continue;
    }
    const current = item.value;
    if (current === null || typeof current !== "object") {
      out.push(JSON.stringify(current) ?? "null");
      continue;
    }
    const parts: ({ text: string } | { value: unknown })[] = [];
    if (Array.isArray(current)) {
      parts.push({ text: "[" });
      current.forEach((child, i) => parts.push(...(i > 0 ? [{ text: "," }] : []), { value: child }));
      parts.push({ text: "]" });
    } else {
      const entries = Object.entries(current as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      parts.push({ text: "{" });
      entries.forEach(([key, child], i) => parts.push({ text: `${i > 0 ? "," : ""}${JSON.stringify(key)}:` }, { value: child }));
      parts.push({ text: "}" });
    }
    for (let i = parts.length - 1; i >= 0; i--) pending.push(parts[i]!);
  }
  return out.join("");
}
