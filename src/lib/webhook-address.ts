/**
 * Where Kivo may send a webhook. A customer-supplied URL is a request Kivo
 * makes on its own network, so only public HTTPS hosts are allowed; plain
 * HTTP to loopback only when a development deployment opts in.
 */
export interface AddressPolicy {
  allowLoopback: boolean;
}

const BLOCKED_NAMES = [/^localhost$/, /\.localhost$/, /\.local$/, /\.internal$/, /\.home\.arpa$/, /^metadata\.google\.internal$/];

function ipv4(host: string): number[] | null {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.map(Number);
}

function privateIpv4([a, b]: number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b! >= 64 && b! <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b! >= 16 && b! <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a! >= 224
  );
}

function privateIpv6(host: string): boolean {
  const h = host.toLowerCase();
  if (h === "::" || h === "::1") return true;
  // IPv4-mapped addresses reach the IPv4 host; URL parsing writes them in hex (::ffff:a00:1).
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  if (dotted) return privateIpv4(ipv4(dotted[1]!) ?? [0]);
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(h);
  if (hex) {
    const [high, low] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
    return privateIpv4([high >> 8, high & 255, low >> 8, low & 255]);
  }
  return /^(fc|fd|fe8|fe9|fea|feb|ff)/.test(h);
}

const isLoopback = (host: string) => host === "localhost" || host === "::1" || ipv4(host)?.[0] === 127;

/** The reason the URL is refused, or null when Kivo may deliver to it. */
export function webhookAddressProblem(raw: string, policy: AddressPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "Not a URL.";
  }
  if (url.username || url.password) return "The URL must not carry credentials.";
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (policy.allowLoopback && isLoopback(host) && (url.protocol === "http:" || url.protocol === "https:")) return null;
  if (url.protocol !== "https:") return "Webhook URLs must use https.";
  if (BLOCKED_NAMES.some((pattern) => pattern.test(host))) return "Webhook URLs must name a public host, not a local one.";
  const v4 = ipv4(host);
  if (v4 && privateIpv4(v4)) return "Webhook URLs must not point at a private, loopback or link-local address.";
  if (host.includes(":") && privateIpv6(host)) return "Webhook URLs must not point at a private, loopback or link-local address.";
  if (!host.includes(".") && !host.includes(":")) return "Webhook URLs must name a public host.";
  return null;
}
