import { BlockList, isIPv4 } from "node:net";

export interface ConnectionSlotsOptions {
  /** All connections at once, reserved slots included. */
  maxConnections: number;
  /** Connections one remote address may hold. */
  maxPerAddress: number;
  /** IP addresses or CIDR blocks allowed to connect (each one a "source"); empty allows any. */
  allowedSources: readonly string[];
  /** Slots of `maxConnections` only each source may use, once the shared ones are taken. */
  reservedPerSource: number;
}

export type RefusalReason = "source" | "per-address" | "max-connections";

/** A connection's place; `release` when it closes (a second call does nothing). */
export interface ConnectionSlot {
  release(): void;
}

export type Admission = { ok: true; slot: ConnectionSlot } | { ok: false; reason: RefusalReason };

/**
 * Who may hold a connection. A remote address must match the allowlist (when there is one) and
 * holds at most `maxPerAddress` connections. Of `maxConnections`, each allowlist entry keeps
 * `reservedPerSource` slots for itself and the rest are shared: a flood from one address, or from
 * many addresses of one source, can fill the shared slots and its own reserve, never another
 * source's, so a hospital's engine can always reconnect. Decided before TLS and before any byte is
 * read, so a refused peer costs almost nothing.
 */
export class ConnectionSlots {
  readonly #sources: BlockList[];
  readonly #sharedCapacity: number;
  readonly #reservedInUse: number[];
  readonly #perAddress = new Map<string, number>();
  #sharedInUse = 0;

  constructor(private readonly options: ConnectionSlotsOptions) {
    this.#sources = options.allowedSources.map(blockOf);
    this.#reservedInUse = this.#sources.map(() => 0);
    this.#sharedCapacity = Math.max(
      0,
      options.maxConnections - options.reservedPerSource * this.#sources.length,
    );
  }

  /** Connections holding a slot now. */
  get inUse(): number {
    return this.#sharedInUse + this.#reservedInUse.reduce((a, b) => a + b, 0);
  }

  admit(remoteAddress: string): Admission {
    const address = remoteAddress.startsWith("::ffff:") ? remoteAddress.slice(7) : remoteAddress;
    const source = this.#sources.findIndex((list) => matches(list, address));
    if (this.#sources.length > 0 && source === -1) return { ok: false, reason: "source" };
    const held = this.#perAddress.get(address) ?? 0;
    if (held >= this.options.maxPerAddress) return { ok: false, reason: "per-address" };

    let releasePool: () => void;
    if (this.#sharedInUse < this.#sharedCapacity) {
      this.#sharedInUse++;
      releasePool = () => this.#sharedInUse--;
    } else if (source !== -1 && (this.#reservedInUse[source] ?? 0) < this.options.reservedPerSource) {
      this.#reservedInUse[source] = (this.#reservedInUse[source] ?? 0) + 1;
      releasePool = () => {
        this.#reservedInUse[source] = (this.#reservedInUse[source] ?? 1) - 1;
      };
    } else {
      return { ok: false, reason: "max-connections" };
    }
    this.#perAddress.set(address, held + 1);
    let released = false;
    return {
      ok: true,
      slot: {
        release: () => {
          if (released) return;
          released = true;
          releasePool();
          const left = (this.#perAddress.get(address) ?? 1) - 1;
          if (left === 0) this.#perAddress.delete(address);
          else this.#perAddress.set(address, left);
        },
      },
    };
  }
}

function blockOf(entry: string): BlockList {
  const list = new BlockList();
  const [address = "", prefix] = entry.split("/");
  const type = isIPv4(address) ? "ipv4" : "ipv6";
  if (prefix === undefined) list.addAddress(address, type);
  else list.addSubnet(address, Number(prefix), type);
  return list;
}

function matches(list: BlockList, address: string): boolean {
  try {
    return isIPv4(address) ? list.check(address, "ipv4") : list.check(address, "ipv6");
  } catch {
    return false; // not an address at all (a socket that closed before we looked)
  }
}
