import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { buildConnector } from 'undici';
import { checkAddress } from './address-policy.ts';
import { GuardedFetchError } from './guarded-fetch-error.ts';

/** One address a host name resolves to. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to its addresses (the system resolver unless one is injected). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** One check of one address, as the guard decided it. */
export interface AddressDecision {
  hostname: string;
  address: string;
  allowed: boolean;
  reason?: string;
}

/** A checked address the connection is about to be opened to. */
export interface CheckedAddress {
  hostname: string;
  address: string;
  family: 4 | 6;
  port: number;
}

/**
 * Where to open the connection for a checked address. The default opens it to that very address; tests map
 * public addresses to a loopback server so that no traffic leaves the machine.
 */
export type Dial = (checked: CheckedAddress) => { address: string };

export interface ConnectorOptions {
  resolver: Resolver;
  allowPrivateAddresses: boolean;
  connectTimeoutMs: number;
  dial?: Dial;
  onDecision?: (decision: AddressDecision) => void;
  /** Extra trusted certificate authorities (PEM), e.g. a development CA. */
  ca?: string | readonly string[];
}

/** The operating system's resolver: every address of the name, in the order it gives them. */
export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

function withTimeout<T>(promise: Promise<T>, ms: number, hostname: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new GuardedFetchError('timeout', `resolving ${hostname} took longer than ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Resolves `hostname` once and checks every address it has; one refused address refuses the host (a name
 * that mixes public and private addresses is not trusted). Returns the canonical address to connect to.
 */
async function pickAddress(hostname: string, port: number, o: ConnectorOptions): Promise<CheckedAddress> {
  let candidates: ResolvedAddress[];
  if (isIP(hostname)) {
    candidates = [{ address: hostname, family: isIP(hostname) }];
  } else {
    try {
      candidates = await withTimeout(o.resolver(hostname), o.connectTimeoutMs, hostname);
    } catch (error) {
      if (error instanceof GuardedFetchError) throw error;
      throw new GuardedFetchError('dns_failed', `${hostname} could not be resolved`, { cause: error });
    }
    if (candidates.length === 0) throw new GuardedFetchError('dns_failed', `${hostname} has no address`);
  }
  let chosen: CheckedAddress | null = null;
  for (const candidate of candidates) {
    const verdict = checkAddress(candidate.address, o.allowPrivateAddresses);
    o.onDecision?.({
      hostname,
      address: verdict.address,
      allowed: verdict.allowed,
      ...(verdict.allowed ? {} : { reason: verdict.reason }),
    });
    if (!verdict.allowed) {
      // A name's addresses stay unsaid (only `onDecision`, for the operator's log, sees them): saying where an
      // internal name points would make the gateway a DNS oracle for the network it sits in.
      throw new GuardedFetchError(
        'address_not_allowed',
        isIP(hostname)
          ? `${verdict.address} is ${verdict.reason}; the gateway does not fetch from there`
          : `${hostname} is not a public address; the gateway does not fetch from there`,
      );
    }
    chosen ??= { hostname, address: verdict.address, family: verdict.family, port };
  }
  if (chosen === null) throw new GuardedFetchError('dns_failed', `${hostname} has no address`);
  return chosen;
}

/**
 * An undici connector that resolves the host itself, checks the addresses and connects to the checked one.
 * Because the check and the connection use the same lookup, a name that changes its answer between the two
 * (DNS rebinding) cannot slip through. TLS still verifies the certificate against the original host name.
 */
export function guardedConnector(o: ConnectorOptions): buildConnector.connector {
  const base = buildConnector({
    timeout: o.connectTimeoutMs,
    ...(o.ca !== undefined ? { ca: typeof o.ca === 'string' ? o.ca : [...o.ca] } : {}),
  });
  return (options, callback) => {
    const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
    pickAddress(options.hostname, port, o).then(
      (checked) => {
        const target = o.dial ? o.dial(checked).address : checked.address;
        const servername =
          options.servername ?? (isIP(options.hostname) ? undefined : options.hostname.replace(/\.$/, ''));
        base({ ...options, hostname: target, ...(servername ? { servername } : {}) }, callback);
      },
      (error: unknown) => callback(error as Error, null),
    );
  };
}
