/**
 * Voice tokens: HS256 JWTs signed and verified with `jose` (no hand-rolled JWT code). Verification pins the algorithm,
 * audience and issuer. Each token opens one socket: its `jti` is remembered until the token expires, then forgotten,
 * so memory is bounded by the tokens of one lifetime.
 * @module
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type SocketErrorCode, TOKEN_AUDIENCE, TOKEN_ISSUER, type TokenClaims, TokenClaimsSchema } from '@savants/voice/protocol';
import { jwtVerify, SignJWT } from 'jose';

export interface MintOptions {
  /** Lifetime in seconds. */
  ttlSeconds: number;
  /** Back-dates the token by this many seconds (tests: an already expired token; negative: issued in the future). @default 0 */
  ageSeconds?: number;
}

export type VerifyResult =
  | { ok: true; claims: TokenClaims }
  | { ok: false; code: Extract<SocketErrorCode, 'TOKEN_EXPIRED' | 'TOKEN_INVALID' | 'TOKEN_REUSED'>; reason: string };

export class TokenService {
  readonly #key: Uint8Array;
  /** jti → expiry (ms since epoch) of tokens that already opened a socket. */
  readonly #used = new Map<string, number>();

  constructor(secret: string | Uint8Array | undefined) {
    this.#key = secret === undefined ? randomBytes(32) : typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  }

  async mint(deviceId: string, options: MintOptions): Promise<string> {
    const iat = Math.floor(Date.now() / 1000) - (options.ageSeconds ?? 0);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(deviceId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + options.ttlSeconds)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuer(TOKEN_ISSUER)
      .setJti(randomUUID())
      .sign(this.#key);
  }

  /** Verifies a token and, when valid, marks it used: a second call with the same token fails with TOKEN_REUSED. */
  async verifyAndConsume(token: string): Promise<VerifyResult> {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'],
        audience: TOKEN_AUDIENCE,
        issuer: TOKEN_ISSUER,
        requiredClaims: ['sub', 'iat', 'exp', 'jti'],
      }));
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'ERR_JWT_EXPIRED') return { ok: false, code: 'TOKEN_EXPIRED', reason: 'expired' };
      return { ok: false, code: 'TOKEN_INVALID', reason: typeof code === 'string' ? code : 'not_a_jwt' };
    }
    const parsed = TokenClaimsSchema.safeParse(payload);
    if (!parsed.success) return { ok: false, code: 'TOKEN_INVALID', reason: 'bad_claims' };
    const now = Date.now();
    // Tokens are minted here, on this clock: one issued "in the future" was not (jose checks `iat` only with maxTokenAge).
    if (parsed.data.iat > Math.floor(now / 1000)) return { ok: false, code: 'TOKEN_INVALID', reason: 'iat_in_future' };
    this.#forgetExpired(now);
    if (this.#used.has(parsed.data.jti)) return { ok: false, code: 'TOKEN_REUSED', reason: 'jti_seen' };
    this.#used.set(parsed.data.jti, parsed.data.exp * 1000);
    return { ok: true, claims: parsed.data };
  }

  /** Remembered token ids (bounded by the tokens of one lifetime). */
  get usedTokens(): number {
    return this.#used.size;
  }

  #forgetExpired(now: number): void {
    // A token past its expiry is refused as expired before its jti is looked at, so its jti can go.
    for (const [jti, exp] of this.#used) if (exp <= now) this.#used.delete(jti);
  }
}
