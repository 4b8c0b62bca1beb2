// keysmith inspect FILE|-: decode a CSR (PEM or DER), show subject, SANs, key spec, signature algorithm,
// whether the signature verifies and the lint findings. Exit 1 when the signature does not verify or the
// input is not a CSR; 2 when it is a CSR whose content cannot be decoded (a malformed extension or
// subject); exit 0 otherwise (lint findings are reported, not fatal).
import { readFile } from "node:fs/promises";
import { fail, isKeysmithError } from "../../src/core/errors";
import { t } from "../../src/core/i18n";
import { isSpecOperation, SPEC_OPERATIONS, type SpecOperation } from "../../src/core/key-spec";
import { inspectCsr, renderFinding, type CsrInfo } from "../../src/core/csr/index";
import { base64Encode } from "../../src/core/pem";
import { parseArgs } from "../args";
import type { CliContext, Command } from "../context";

const FLAGS = [
  { name: "operation", kind: "string" },
  { name: "json", kind: "boolean" },
] as const;

function toJson(info: CsrInfo, ctx: CliContext) {
  return {
    subject: info.subjectDn,
    subjectAttributes: info.subject.flat().map(({ type, oid, value, stringType }) => ({ type, oid, value, stringType })),
    sans: info.sans,
    keySpec: info.keySpec ?? null,
    keyAlgorithm: info.key.algorithm,
    keyBits: info.key.bits ?? null,
    spki: base64Encode(info.spkiDer),
    signatureAlgorithm: info.signatureAlgorithm,
    signatureValid: info.signatureValid,
    extensions: info.extensions,
    findings: info.findings.map((f) => ({ ...f, message: renderFinding(f, ctx.locale) })),
  };
}

function toText(info: CsrInfo, ctx: CliContext): string {
  const lines = [
    `Subject:             ${info.subjectDn}`,
    `SANs:                ${info.sans.map((s) => `${s.type}:${s.value}`).join(", ") || "-"}`,
    `Key spec:            ${info.keySpec ?? `${info.key.algorithm}${info.key.bits ? ` ${info.key.bits}` : ""} (not a Keysmith spec)`}`,
    `Signature algorithm: ${info.signatureAlgorithm}`,
    `Signature:           ${info.signatureValid ? "valid" : t(ctx.locale, "cli_inspect_signature_bad")}`,
  ];
  if (info.extensions.keyUsage) lines.push(`Key usage:           ${info.extensions.keyUsage.join(", ")}`);
  if (info.extensions.extKeyUsage) lines.push(`Extended key usage:  ${info.extensions.extKeyUsage.join(", ")}`);
  for (const f of info.findings) lines.push(`${f.severity}: ${renderFinding(f, ctx.locale)}`);
  return lines.join("\n") + "\n";
}

export const inspectCommand: Command = {
  name: "inspect",
  summary: "decode and lint a CSR (PEM or DER, a file or - for stdin)",
  usage: `keysmith inspect FILE|- [--operation ${SPEC_OPERATIONS.join("|")}] [--json]`,
  async run(ctx: CliContext): Promise<number> {
    const args = parseArgs(ctx.argv, FLAGS);
    if (args.positionals.length !== 1) fail("cli.flag.required", "FILE|-");
    const operation = args.strings.get("operation");
    if (operation !== undefined && !isSpecOperation(operation)) {
      fail("cli.operation.unknown", "--operation", { value: operation, allowed: SPEC_OPERATIONS.join(", ") });
    }
    const source = args.positionals[0]!;
    let input: Uint8Array;
    try {
      input = source === "-" ? await ctx.readStdin() : new Uint8Array(await readFile(source));
    } catch {
      return fail("cli.input_unreadable", source);
    }
    let info: CsrInfo;
    try {
      info = await inspectCsr(input, { operation: operation as SpecOperation | undefined });
    } catch (err) {
      // Not a CSR: a check that failed (exit 1), not a usage error. A CSR with malformed content (an
      // extension that cannot be decoded, say) is invalid input: main() reports it with exit 2.
      if (!isKeysmithError(err) || err.code !== "csr.not_a_csr") throw err;
      ctx.stderr(`keysmith: ${err.localized(ctx.locale)}\n`);
      return 1;
    }
    ctx.stdout(args.booleans.has("json") ? JSON.stringify(toJson(info, ctx), null, 2) + "\n" : toText(info, ctx));
    return info.signatureValid ? 0 : 1;
  },
};
