import ipaddr from 'ipaddr.js';

/** The outcome of checking one IP address against the outbound policy. */
export type AddressVerdict =
  | { allowed: true; address: string; family: 4 | 6 }
  | { allowed: false; address: string; reason: string };

const REASONS: Record<string, string> = {
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address (this includes cloud metadata services)',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT address',
  private: 'a private network address',
  uniqueLocal: 'a private (unique local) IPv6 address',
  reserved: 'a reserved address',
};

/**
 * Decides whether the gateway may connect to `raw`, an IP address in any spelling ipaddr.js reads
 * (dotted, decimal, octal, hex, IPv4-mapped IPv6). Only globally routable unicast addresses pass, unless
 * `allowPrivate` (development and tests). The allowed address comes back in its canonical form, which is
 * the one to dial, so the checked and the connected address cannot differ.
 */
export function checkAddress(raw: string, allowPrivate: boolean): AddressVerdict {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(raw.trim());
  } catch {
    return { allowed: false, address: raw, reason: 'not an IP address' };
  }
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) reaches the IPv4 address it carries: judge that one.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const address = parsed.toString();
  // IPv4-compatible IPv6 (::127.0.0.1, deprecated): the IPv4 inside decides where some stacks send it. Never dialled.
  if (parsed.kind() === 'ipv6' && ipv4Compatible(parsed as ipaddr.IPv6)) {
    return { allowed: false, address, reason: 'an IPv4-compatible IPv6 address (deprecated)' };
  }
  const family = parsed.kind() === 'ipv4' ? 4 : 6;
  if (allowPrivate) return { allowed: true, address, family };
  const range = parsed.range();
  if (range === 'unicast') return { allowed: true, address, family };
  return {
    allowed: false,
    address,
    reason: REASONS[range] ?? `a special-purpose address (${range}) that is not publicly routable`,
  };
}

/** Whether an IPv6 address is in ::/96 (IPv4-compatible), other than :: and ::1 which have ranges of their own. */
function ipv4Compatible(address: ipaddr.IPv6): boolean {
  const parts = address.parts;
  return parts.slice(0, 6).every((p) => p === 0) && (parts[6] !== 0 || (parts[7] ?? 0) > 1);
}
