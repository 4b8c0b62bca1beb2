// cli/private-keys.ts: what the CLI prints of an API answer (private-key fields withheld at any depth
// unless asked for) and how it decides to write a private key (encrypted, or in the clear only when asked).
import { describe, expect, it } from "vitest";
import { parseArgs } from "../../../cli/args";
import { isKeysmithError } from "../../../src/core/errors";
import { decryptPkcs8, readPrivateKey } from "../../../src/core/export/pkcs8";
import { encryptServiceKey, keyProtectionChoice, withoutPrivateKeys } from "../../../cli/private-keys";

const FLAGS = [
  { name: "passphrase-file", kind: "string" },
  { name: "unencrypted", kind: "boolean" },
] as const;

function codeOf(fn: () => unknown): { code: string; field?: string; params: Record<string, unknown> } | undefined {
  try {
    fn();
  } catch (err) {
    if (isKeysmithError(err)) return { code: err.code, field: err.field, params: err.params };
    throw err;
  }
  return undefined;
}

describe("withoutPrivateKeys", () => {
  const answer = {
    RequestId: "R",
    OrderId: "98987582437920969",
    Certificate: "-----BEGIN CERTIFICATE-----",
    PrivateKey: "-----BEGIN PRIVATE KEY-----",
    Nested: { Key: "k", Other: 1, List: [{ SignPrivateKey: "s", EncryptPrivateKey: "e", Name: "n" }] },
    EmptyKey: "",
    Key: "",
  };

  it("leaves out every private-key field, at any depth, and names them", () => {
    const { response, withheld } = withoutPrivateKeys(answer, false);
    expect(response).toEqual({
      RequestId: "R",
      OrderId: "98987582437920969",
      Certificate: "-----BEGIN CERTIFICATE-----",
      Nested: { Other: 1, List: [{ Name: "n" }] },
      EmptyKey: "",
      Key: "",
    });
    expect(withheld.sort()).toEqual(["EncryptPrivateKey", "Key", "PrivateKey", "SignPrivateKey"]);
    expect(answer.PrivateKey).toBe("-----BEGIN PRIVATE KEY-----"); // the answer itself is not changed
  });

  it("with include, gives the answer as received", () => {
    expect(withoutPrivateKeys(answer, true)).toEqual({ response: answer, withheld: [] });
  });
});

describe("keyProtectionChoice", () => {
  it("needs --passphrase-file or --unencrypted, naming both", () => {
    expect(codeOf(() => keyProtectionChoice(parseArgs([], FLAGS), "passphrase-file"))).toEqual({
      code: "cli.private_key.protection_required",
      field: "--passphrase-file",
      params: { unencrypted: "--unencrypted" },
    });
  });

  it("refuses both together", () => {
    expect(codeOf(() => keyProtectionChoice(parseArgs(["--passphrase-file", "p", "--unencrypted"], FLAGS), "passphrase-file"))).toMatchObject({
      code: "api.cli.flag_conflict",
      field: "--unencrypted",
    });
  });

  it("takes either one", () => {
    expect(keyProtectionChoice(parseArgs(["--passphrase-file", "p"], FLAGS), "passphrase-file")).toEqual({ passphraseFile: "p", unencrypted: false });
    expect(keyProtectionChoice(parseArgs(["--unencrypted"], FLAGS), "passphrase-file")).toEqual({ passphraseFile: undefined, unencrypted: true });
  });
});

describe("encryptServiceKey", () => {
  it("turns a service's PKCS#8 PEM into encrypted PKCS#8 of the same key", async () => {
    const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
    const der = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
    const pem = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n")}\n-----END PRIVATE KEY-----\n`;
    const encrypted = await encryptServiceKey(pem, "pass phrase", "PrivateKey");
    expect(encrypted).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    const back = await decryptPkcs8(encrypted, "pass phrase");
    expect((await readPrivateKey(back)).spkiDer).toEqual((await readPrivateKey(pem)).spkiDer);
  });

  it("refuses what is not a key, naming the answer's field", async () => {
    await expect(encryptServiceKey("not a key", "p", "PrivateKey")).rejects.toMatchObject({ code: "export.key.not_a_key", field: "PrivateKey" });
  });
});
