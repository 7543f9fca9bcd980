/**
 * Paths (`a.b.0`) of strings and keys in a parsed JSON value that hold a lone
 * UTF-16 surrogate, found without recursion. JSON can spell one (`"\ud800"`),
 * but no UTF-8 byte sequence can store it: kept, it would be rewritten on the
 * way to D1 or R2, so offsets, hashes and lookups would no longer match what
 * the client sent.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const isWellFormed = (text: string): boolean => !LONE_SURROGATE.test(text);

/** A path as a linked list, so walking a deeply nested body costs no copying per level. */
interface PathNode {
  key: string;
  parent: PathNode | null;
}

const pathOf = (node: PathNode | null): string => {
  const keys: string[] = [];
  for (let at = node; at; at = at.parent) keys.push(at.key);
  return keys.reverse().join(".") || "(root)";
};

export function illFormedStringPaths(value: unknown, limit = 10): string[] {
  const found: string[] = [];
  const stack: [unknown, PathNode | null][] = [[value, null]];
  while (stack.length > 0 && found.length < limit) {
    const [current, path] = stack.pop()!;
    if (typeof current === "string") {
      if (!isWellFormed(current)) found.push(pathOf(path));
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push([current[i], { key: String(i), parent: path }]);
    } else if (current !== null && typeof current === "object") {
      for (const [key, child] of Object.entries(current).reverse()) {
        const here = { key, parent: path };
        if (!isWellFormed(key)) found.push(pathOf(here));
        else stack.push([child, here]);
      }
    }
  }
  return found;
}
