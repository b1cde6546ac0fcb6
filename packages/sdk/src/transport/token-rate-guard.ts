/**
 * Client-side guard for the documented limit of 60 token requests per device per rolling minute, so a reconnect
 * loop can never earn the device a 429 (which would lock every tab of that device out for a minute).
 * @module
 */
import { TOKEN_REQUESTS_PER_MINUTE } from '../protocol/constants.ts';

const WINDOW_MS = 60_000;

export class TokenRateGuard {
  /** Times of the requests in the current window, oldest first; never longer than `limit`. */
  readonly #times: number[] = [];
  readonly #limit: number;

  constructor(limit: number = TOKEN_REQUESTS_PER_MINUTE) {
    this.#limit = limit;
  }

  /** How long to wait from `now` before another request stays within the limit (0: go ahead). */
  delayMs(now: number): number {
    while (this.#times.length > 0 && now - this.#times[0]! >= WINDOW_MS) this.#times.shift();
    return this.#times.length < this.#limit ? 0 : this.#times[0]! + WINDOW_MS - now;
  }

  /** Records a request made at `now`. */
  record(now: number): void {
    this.#times.push(now);
    if (this.#times.length > this.#limit) this.#times.shift();
  }
}
