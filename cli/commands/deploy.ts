// `keysmith deploy --cert NAME --cdn DOMAIN | --dcdn DOMAIN | --slb LB_ID:PORT[:DOMAIN] | --alb
// LISTENER_ID[:default|:additional] [--region R]`: points one place (a CDN or DCDN domain, an SLB HTTPS
// listener or one SNI domain of it, an ALB listener's default or an additional certificate) at the current
// certificate `keysmith renew` keeps under NAME in the state directory (cli/lifecycle/store.ts), and reads it
// back. When that certificate is not in cas yet it is uploaded first (UploadUserCertificate, which hands its
// key to the account; the key is read with --passphrase-file). --region is the SLB/ALB load balancer's region.
// Exit: 0 deployed and confirmed (or already served), 1 not confirmed, 2 invalid input (no such certificate,
// a place it does not cover, not exactly one place), 3 the upload's outcome unknown.
import { fail, isKeysmithError } from "../../src/core/errors";
import { t } from "../../src/core/i18n";
import { parseCertificates } from "../../src/core/cert/certificate";
import { deployTarget, normalizeSerial } from "../../src/core/lifecycle/deploy-targets";
import { parseArgs, requireString, type FlagSpec } from "../args";
import type { CliContext, Command } from "../context";
import { GLOBAL_API_FLAGS, clientFromArgs } from "../credentials-env";
import { EXIT_UNKNOWN, STATE_FLAGS } from "../create";
import { readPassphraseFile } from "../private-keys";
import { stateDirFrom } from "../state-dir";
import { deployOne, ensureUploaded } from "../lifecycle/rollout";
import { certificateFiles, readState, readText } from "../lifecycle/store";

const FLAGS: FlagSpec[] = [
  ...GLOBAL_API_FLAGS,
  ...STATE_FLAGS,
  { name: "cert", kind: "string" },
  { name: "cdn", kind: "string" },
  { name: "dcdn", kind: "string" },
  { name: "slb", kind: "string" },
  { name: "alb", kind: "string" },
  { name: "passphrase-file", kind: "string" },
];

export const deployCommand: Command = {
  name: "deploy",
  summary: "Deploy a certificate `keysmith renew` keeps to a CDN or DCDN domain or an SLB or ALB listener (uploading it to cas first if needed)",
  usage:
    "keysmith deploy --cert NAME (--cdn DOMAIN | --dcdn DOMAIN | --slb LB_ID:PORT[:DOMAIN] | --alb LISTENER_ID[:default|:additional])\n" +
    "                [--region R] [--passphrase-file FILE] [--state-dir DIR] [--profile NAME] [--endpoint URL] [--json]\n" +
    "  NAME: a certificate's name in the renew file; --passphrase-file is needed when it is not in cas yet\n" +
    "  --slb: an HTTPS listener's default certificate, or with :DOMAIN that SNI domain extension's\n" +
    "  --alb: the listener's default certificate (the default) or an additional one; --region: the SLB/ALB region\n" +
    "  exit: 0 deployed (or already served), 1 not confirmed, 2 invalid input, 3 the upload's outcome unknown",
  async run(ctx: CliContext): Promise<number> {
    const args = parseArgs(ctx.argv, FLAGS);
    if (args.positionals.length > 0) fail("cli.argument.extra", args.positionals[0]);
    const name = requireString(args, "cert");
    if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/.test(name)) fail("lifecycle.certificate.name", "--cert");
    const given = ["cdn", "dcdn", "slb", "alb"].filter((id) => args.strings.has(id));
    if (given.length !== 1) fail("lifecycle.deploy.one_place", given.length === 0 ? "--cdn" : `--${given[1]}`);
    const target = deployTarget(given[0]!, `--${given[0]}`);
    const domain = target.parseWhere(requireString(args, target.id), `--${target.id}`);
    const stateDir = stateDirFrom(args.strings.get("state-dir"), ctx.env);
    const files = certificateFiles(stateDir, name);
    const pem = readText(files.cert);
    if (pem === undefined) fail("lifecycle.deploy.no_certificate", "--cert", { name, path: files.cert });
    const leaf = parseCertificates(pem, files.cert).leaf;
    if (!target.covers(leaf.sans.length > 0 ? leaf.sans : [leaf.commonName], domain)) {
      fail("lifecycle.deploy.not_covered", `--${target.id}`, { domain, domains: leaf.sans.join(", ") || leaf.commonName });
    }
    const state = readState(files);
    const passphraseFile = args.strings.get("passphrase-file");
    const passphrase = passphraseFile === undefined ? undefined : await readPassphraseFile(passphraseFile, "--passphrase-file");
    const uploaded = state.upload !== undefined && normalizeSerial(state.upload.serial) === normalizeSerial(leaf.serial);
    if (!uploaded && passphrase === undefined) fail("lifecycle.deploy.passphrase_required", "--passphrase-file", { name });
    const json = args.booleans.has("json");
    const say = (line: string) => (json ? ctx.stderr : ctx.stdout)(`${line}\n`);
    const client = clientFromArgs(args, ctx);
    const env = { ctx, client, args, passphrase: passphrase ?? "", say, confirmAttempts: 10, confirmIntervalMs: 2000 };

    const upload = await ensureUploaded(env, name, files, state, leaf.serial);
    if (upload.kind === "unknown") {
      ctx.stderr(`keysmith: ${upload.error.localized(ctx.locale)}\n`);
      return EXIT_UNKNOWN;
    }
    if (upload.kind === "failed") {
      ctx.stderr(`keysmith: ${upload.reason}\n`);
      return 1;
    }
    let outcome;
    try {
      outcome = await deployOne(env, target, domain, upload.certId, leaf.serial, files, state, name);
    } catch (err) {
      if (!isKeysmithError(err)) throw err;
      ctx.stderr(`keysmith: ${err.localized(ctx.locale)}\n`);
      return 1;
    }
    if (outcome.kind === "failed") {
      ctx.stderr(`keysmith: ${outcome.reason}\n`);
      return 1;
    }
    if (outcome.kind === "unchanged") say(t(ctx.locale, "lifecycle_cli_already_served", { name, target: target.id, domain, certId: upload.certId }));
    if (json) ctx.stdout(`${JSON.stringify({ name, target: target.id, domain, certId: upload.certId, serial: leaf.serial, outcome: outcome.kind }, null, 2)}\n`);
    return 0;
  },
};
