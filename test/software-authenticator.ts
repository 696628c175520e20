import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { isoCBOR } from "@simplewebauthn/server/helpers";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";

/**
 * A WebAuthn authenticator in software (ES256, attestation "none"), for unit
 * tests: it answers registration and authentication options the way a
 * browser and a security key would, with the flags and counter a test asks for.
 */
export class SoftwareAuthenticator {
  readonly credentialId = randomBytes(16).toString("base64url");
  private readonly privateKey: KeyObject;
  counter: number;

  constructor(options: { counter?: number; privateKeyPem?: string } = {}) {
    this.privateKey = options.privateKeyPem
      ? createPrivateKey(options.privateKeyPem)
      : generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    this.counter = options.counter ?? 0;
  }

  private authData(rpId: string, flags: { uv: boolean; attested: boolean; backedUp?: boolean }): Buffer {
    const parts: Buffer[] = [createHash("sha256").update(rpId).digest()];
    const flagByte = 0x01 | (flags.uv ? 0x04 : 0) | (flags.backedUp ? 0x18 : 0) | (flags.attested ? 0x40 : 0);
    parts.push(Buffer.from([flagByte]));
    const count = Buffer.alloc(4);
    count.writeUInt32BE(this.counter);
    parts.push(count);
    if (flags.attested) {
      const jwk = this.privateKey.export({ format: "jwk" });
      const coseKey = isoCBOR.encode(
        new Map<number, number | Uint8Array>([
          [1, 2],
          [3, -7],
          [-1, 1],
          [-2, Buffer.from(jwk.x!, "base64url")],
          [-3, Buffer.from(jwk.y!, "base64url")],
        ]),
      );
      const id = Buffer.from(this.credentialId, "base64url");
      const length = Buffer.alloc(2);
      length.writeUInt16BE(id.length);
      parts.push(Buffer.alloc(16), length, id, Buffer.from(coseKey));
    }
    return Buffer.concat(parts);
  }

  register(input: { rpId: string; origin: string; challenge: string; uv?: boolean; backedUp?: boolean }) {
    const clientDataJSON = Buffer.from(
      JSON.stringify({ type: "webauthn.create", challenge: input.challenge, origin: input.origin, crossOrigin: false }),
    );
    const authData = this.authData(input.rpId, { uv: input.uv ?? true, attested: true, backedUp: input.backedUp });
    const attestation = new Map<string, string | Uint8Array | Map<string, string>>();
    attestation.set("fmt", "none");
    attestation.set("attStmt", new Map());
    attestation.set("authData", authData);
    const attestationObject = isoCBOR.encode(attestation);
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key",
      response: {
        clientDataJSON: clientDataJSON.toString("base64url"),
        attestationObject: Buffer.from(attestationObject).toString("base64url"),
        transports: ["internal"],
      },
      clientExtensionResults: {},
    } satisfies RegistrationResponseJSON;
  }

  /** Signs an assertion; the counter goes up by one first unless `counter` says what to send. */
  assert(input: {
    rpId: string;
    origin: string;
    challenge: string;
    uv?: boolean;
    userHandle?: string;
    counter?: number;
  }) {
    this.counter = input.counter ?? this.counter + 1;
    const clientDataJSON = Buffer.from(
      JSON.stringify({ type: "webauthn.get", challenge: input.challenge, origin: input.origin, crossOrigin: false }),
    );
    const authData = this.authData(input.rpId, { uv: input.uv ?? true, attested: false });
    const signature = sign(
      "sha256",
      Buffer.concat([authData, createHash("sha256").update(clientDataJSON).digest()]),
      this.privateKey,
    );
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key",
      response: {
        clientDataJSON: clientDataJSON.toString("base64url"),
        authenticatorData: authData.toString("base64url"),
        signature: signature.toString("base64url"),
        ...(input.userHandle ? { userHandle: input.userHandle } : {}),
      },
      clientExtensionResults: {},
    } satisfies AuthenticationResponseJSON;
  }
}
