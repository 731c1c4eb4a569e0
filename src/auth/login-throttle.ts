/**
 * Slows down password guessing: failed sign-ins are counted per (login, client address). The first
 * {@link FREE_FAILURES} in {@link WINDOW_MS} cost nothing; after that each attempt must wait a delay that
 * doubles with each further failure, capped at {@link MAX_DELAY_MS}. Nothing locks for good: once the delay
 * has passed, the right password signs in and clears the count. Kept in process (per instance).
 */
const FREE_FAILURES = 5;
const WINDOW_MS = 15 * 60_000;
const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 5 * 60_000;
const MAX_KEYS = 100_000;

interface Entry {
  failures: number;
  first: number;
  blockedUntil: number;
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  private key(login: string, address: string): string {
    return `${login.toLowerCase()}\u0000${address}`;
  }

  /** Milliseconds to wait before this login may be tried from this address again (0 = go ahead). */
  retryAfter(login: string, address: string): number {
    const e = this.entries.get(this.key(login, address));
    if (!e) return 0;
    const now = this.now();
    if (now - e.first > WINDOW_MS && now >= e.blockedUntil) {
      this.entries.delete(this.key(login, address));
      return 0;
    }
    return Math.max(0, e.blockedUntil - now);
  }

  failed(login: string, address: string): void {
    const key = this.key(login, address);
    const now = this.now();
    let e = this.entries.get(key);
    if (!e || (now - e.first > WINDOW_MS && now >= e.blockedUntil)) {
      e = { failures: 0, first: now, blockedUntil: 0 };
      if (this.entries.size >= MAX_KEYS) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(key, e);
    }
    e.failures++;
    if (e.failures >= FREE_FAILURES) {
      const delay = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (e.failures - FREE_FAILURES));
      e.blockedUntil = now + delay;
    }
  }

  succeeded(login: string, address: string): void {
    this.entries.delete(this.key(login, address));
  }
}
