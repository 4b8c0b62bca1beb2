// The declarative renew file: which certificates should exist, how they are renewed and where they are
// deployed. This module checks the parsed document (JSON, or YAML the CLI has already parsed with the
// `yaml` package: cli/commands/renew.ts) and returns a typed, defaulted description. Every refusal is a
// KeysmithError naming the path in the document (`certificates[0].domains[1]`) and the rule; other
// modules' checks are reused so a rule has one home: domain names (src/core/san.ts), key specs
// (src/core/key-spec.ts), the cas contact rules (src/core/aliyun/rules.ts) and product codes
// (src/core/aliyun/product-codes.ts).
//
//   certificates:
//     - name: www
//       domains: [www.example.com]
//       keySpec: EC_P256
//       renewBeforeDays: 30
//       contact: { username: "Li Lei", email: ops@example.com, phone: "13800000000" }
//       deploy:
//         - cdn: www.example.com
//         - dcdn: auto
//         - slb: { loadBalancerId: lb-bp1…, port: 443, domain: www.example.com, region: cn-shanghai }
//         - alb: { listenerId: lsn-…, default: false }
//       deleteOldUploads: false
import { fail } from "../errors";
import { acceptsSpec, parseKeySpec, specsAcceptedBy, type KeySpecId } from "../key-spec";
import { domainToALabel } from "../san";
import { applyRule } from "../aliyun/rules";
import { DEFAULT_DV_PRODUCT_CODE, DV_PRODUCT_CODES } from "../aliyun/product-codes";
import { RENEWAL_MODES, checkBeforeDays, checkFractionLeft, checkKeyChoice, DEFAULT_BEFORE_DAYS, DEFAULT_FRACTION_LEFT, type RenewalMode, type RenewalPolicy } from "./renewal";
import { DEPLOY_TARGETS, albWhereText, isDeployTargetId, parseAlbWhere, parseSlbWhere, sansCover, slbWhereText } from "./deploy-targets";

export interface Contact {
  username: string;
  email: string;
  phone: string;
}

/**
 * One deploy binding: a product and a place of it, or "auto" (every domain of it the certificate covers; cdn
 * and dcdn). The place is the target's text form (src/core/lifecycle/deploy-targets.ts `parseWhere`): a domain
 * for cdn and dcdn, `LB_ID:PORT[:DOMAIN]` for slb, `LISTENER_ID:default|additional` for alb.
 */
export interface DeployBinding {
  target: string;
  domain: string | "auto";
  /** SLB and ALB: the load balancer's region (absent: the CLI's --region, else the site's default). */
  region?: string;
  /** Where it was written, for messages: `certificates[0].deploy[1]`. */
  path: string;
}

export interface CertificateSpec {
  name: string;
  /** A-label form; the first is the CSR's CN and the order's domain. */
  domains: string[];
  keySpec: KeySpecId;
  productCode: string;
  validateType: "DNS";
  policy: RenewalPolicy;
  contact: Contact;
  deploy: DeployBinding[];
  /**
   * Delete this certificate's earlier uploads to cas (DeleteUserCertificate) once every deploy binding serves
   * the new one and no CDN domain of the account serves them. Default false: nothing is deleted.
   */
  deleteOldUploads: boolean;
  /** `certificates[i]`, for messages. */
  path: string;
}

export interface RenewConfig {
  certificates: CertificateSpec[];
}

/** A certificate's name becomes its files' names in the state directory: letters, digits, `_ - .`. */
const NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/;
/** cas DV orders (CreateCertificateWithCsrRequest) are for one domain: the CSR's CN. */
const MAX_DOMAINS = 1;
const MAX_CERTIFICATES = 200;
const VALIDATE_TYPES = ["DNS"] as const;

const TOP_FIELDS = ["certificates"];
const CERT_FIELDS = ["name", "domains", "keySpec", "productCode", "validateType", "mode", "renewBeforeDays", "renewFraction", "key", "contact", "deploy", "deleteOldUploads"];
const CONTACT_FIELDS = ["username", "email", "phone"];
const SLB_FIELDS = ["loadBalancerId", "port", "domain", "region"];
const ALB_FIELDS = ["listenerId", "default", "region"];
/** A region id such as cn-hangzhou or ap-southeast-1. */
const REGION = /^[a-z]{2,}(?:-[a-z0-9]+){1,3}$/;

type Obj = Record<string, unknown>;

function object(value: unknown, path: string, fields: readonly string[]): Obj {
  if (!value || typeof value !== "object" || Array.isArray(value)) fail("lifecycle.value.type", path, { type: "object" });
  const o = value as Obj;
  for (const k of Object.keys(o)) if (!fields.includes(k)) fail("lifecycle.field.unknown", `${path}.${k}`);
  return o;
}

function array(value: unknown, path: string, min: number, max: number): unknown[] {
  if (!Array.isArray(value)) fail("lifecycle.value.type", path, { type: "list" });
  if (value.length < min || value.length > max) fail("lifecycle.list.length", path, { min, max });
  return value;
}

function text(value: unknown, path: string): string {
  if (typeof value !== "string") fail("lifecycle.value.type", path, { type: "text" });
  if (value.trim() === "") fail("lifecycle.value.required", path);
  return value.trim();
}

function required(o: Obj, key: string, path: string): unknown {
  if (o[key] === undefined || o[key] === null) fail("lifecycle.value.required", `${path}.${key}`);
  return o[key];
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) fail("lifecycle.value.allowed", path, { allowed: allowed.join(", ") });
  return value as T;
}

/** A YAML or JSON boolean (`true` / `false`); "yes", "on" or "true" in quotes are refused, not guessed. */
function flag(value: unknown, path: string): boolean {
  if (typeof value !== "boolean") fail("lifecycle.value.type", path, { type: "boolean" });
  return value;
}

/** YAML reads `phone: 13800000000` as a number: a phone of digits is accepted either way. */
function phoneText(value: unknown, path: string): string {
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return String(value);
  return text(value, path);
}

function parseContact(value: unknown, path: string): Contact {
  const o = object(value, path, CONTACT_FIELDS);
  const username = text(required(o, "username", path), `${path}.username`);
  applyRule("not_blank", username, `${path}.username`);
  const email = text(required(o, "email", path), `${path}.email`);
  applyRule("email", email, `${path}.email`);
  const phone = phoneText(required(o, "phone", path), `${path}.phone`);
  applyRule("phone", phone, `${path}.phone`);
  return { username, email, phone };
}

function parseDeploy(value: unknown, path: string, domains: readonly string[]): DeployBinding[] {
  if (value === undefined || value === null) return [];
  const ids = Object.keys(DEPLOY_TARGETS);
  return array(value, path, 0, 100).map((entry, i) => {
    const p = `${path}[${i}]`;
    if (!entry || typeof entry !== "object" || Array.isArray(entry)) fail("lifecycle.deploy.shape", p, { targets: ids.join(", ") });
    const keys = Object.keys(entry as Obj);
    if (keys.length !== 1) fail("lifecycle.deploy.shape", p, { targets: ids.join(", ") });
    const target = keys[0]!;
    if (!isDeployTargetId(target)) fail("lifecycle.value.allowed", `${p}.${target}`, { allowed: ids.join(", ") });
    const value = (entry as Obj)[target];
    const at = `${p}.${target}`;
    if (target === "slb") return parseSlbBinding(value, at, p, domains);
    if (target === "alb") return parseAlbBinding(value, at, p);
    const raw = text(value, at);
    if (raw === "auto") return { target, domain: "auto", path: p };
    const domain = domainToALabel(raw, at);
    if (!sansCover(domains, domain)) fail("lifecycle.deploy.not_covered", at, { domain, domains: domains.join(", ") });
    return { target, domain, path: p };
  });
}

function region(o: Obj, path: string): { region?: string } {
  if (o.region === undefined) return {};
  const r = text(o.region, `${path}.region`);
  if (!REGION.test(r)) fail("lifecycle.deploy.region", `${path}.region`, { value: r });
  return { region: r };
}

/** `slb: { loadBalancerId, port, domain?, region? }`: the listener's default certificate, or one SNI domain's. */
function parseSlbBinding(value: unknown, path: string, bindingPath: string, domains: readonly string[]): DeployBinding {
  const o = object(value, path, SLB_FIELDS);
  const id = text(required(o, "loadBalancerId", path), `${path}.loadBalancerId`);
  const portValue = required(o, "port", path);
  if (typeof portValue !== "number" && typeof portValue !== "string") fail("lifecycle.value.type", `${path}.port`, { type: "number" });
  const domain = o.domain === undefined ? undefined : domainToALabel(text(o.domain, `${path}.domain`), `${path}.domain`);
  if (domain !== undefined && !sansCover(domains, domain)) fail("lifecycle.deploy.not_covered", `${path}.domain`, { domain, domains: domains.join(", ") });
  // The id and port are checked by the target's own parser (one home for the rule), each naming its field.
  parseSlbWhere(`${id}:1`, `${path}.loadBalancerId`);
  const port = parseSlbWhere(`${id}:${String(portValue)}`, `${path}.port`).port;
  return { target: "slb", domain: slbWhereText({ loadBalancerId: id, port, ...(domain ? { domain } : {}) }), ...region(o, path), path: bindingPath };
}

/** `alb: { listenerId, default: true|false, region? }`: the listener's default certificate, or an additional one. */
function parseAlbBinding(value: unknown, path: string, bindingPath: string): DeployBinding {
  const o = object(value, path, ALB_FIELDS);
  const id = text(required(o, "listenerId", path), `${path}.listenerId`);
  const isDefault = flag(required(o, "default", path), `${path}.default`);
  parseAlbWhere(id, `${path}.listenerId`);
  return { target: "alb", domain: albWhereText({ listenerId: id, isDefault }), ...region(o, path), path: bindingPath };
}

function parseCertificate(value: unknown, path: string): CertificateSpec {
  const o = object(value, path, CERT_FIELDS);
  const name = text(required(o, "name", path), `${path}.name`);
  if (!NAME.test(name)) fail("lifecycle.certificate.name", `${path}.name`);
  const domains = array(required(o, "domains", path), `${path}.domains`, 1, MAX_DOMAINS).map((d, i) => domainToALabel(text(d, `${path}.domains[${i}]`), `${path}.domains[${i}]`));
  const keySpec = o.keySpec === undefined ? "EC_P256" : parseKeySpec(text(o.keySpec, `${path}.keySpec`), `${path}.keySpec`);
  if (!acceptsSpec("CreateCertificateWithCsrRequest", keySpec)) {
    fail("lifecycle.key_spec.not_for_cas", `${path}.keySpec`, { value: keySpec, allowed: specsAcceptedBy("CreateCertificateWithCsrRequest").join(", ") });
  }
  const productCode = o.productCode === undefined ? DEFAULT_DV_PRODUCT_CODE : oneOf(o.productCode, DV_PRODUCT_CODES, `${path}.productCode`);
  const wildcard = domains.find((d) => d.startsWith("*."));
  if (wildcard && !productCode.includes("-w-")) fail("lifecycle.product.wildcard", `${path}.productCode`, { domain: wildcard });
  const validateType = o.validateType === undefined ? "DNS" : oneOf(o.validateType, VALIDATE_TYPES, `${path}.validateType`);
  const mode: RenewalMode = o.mode === undefined ? "auto" : oneOf(o.mode, RENEWAL_MODES, `${path}.mode`);
  const policy: RenewalPolicy = {
    mode,
    beforeDays: o.renewBeforeDays === undefined ? DEFAULT_BEFORE_DAYS : checkBeforeDays(o.renewBeforeDays, `${path}.renewBeforeDays`),
    fractionLeft: o.renewFraction === undefined ? DEFAULT_FRACTION_LEFT : checkFractionLeft(o.renewFraction, `${path}.renewFraction`),
    key: o.key === undefined ? "new" : checkKeyChoice(o.key, `${path}.key`),
  };
  const contact = parseContact(required(o, "contact", path), `${path}.contact`);
  const deploy = parseDeploy(o.deploy, `${path}.deploy`, domains);
  const deleteOldUploads = o.deleteOldUploads === undefined ? false : flag(o.deleteOldUploads, `${path}.deleteOldUploads`);
  return { name, domains, keySpec, productCode, validateType, policy, contact, deploy, deleteOldUploads, path };
}

/** Checks a parsed renew file; the first problem found is thrown, naming its path and rule. */
export function parseRenewConfig(input: unknown): RenewConfig {
  const top = object(input, "(file)", TOP_FIELDS);
  const list = array(required(top, "certificates", "(file)"), "certificates", 1, MAX_CERTIFICATES);
  const certificates = list.map((c, i) => parseCertificate(c, `certificates[${i}]`));
  const names = new Map<string, string>();
  const bound = new Map<string, string>();
  for (const cert of certificates) {
    const key = cert.name.toLowerCase();
    if (names.has(key)) fail("lifecycle.certificate.duplicate_name", `${cert.path}.name`, { other: names.get(key)! });
    names.set(key, `${cert.path}.name`);
    for (const b of cert.deploy) {
      // "auto", and ALB additional certificates (a listener holds several, one per SNI name), may repeat.
      if (b.domain === "auto" || (b.target === "alb" && b.domain.endsWith(":additional"))) continue;
      const k = `${b.target}:${b.domain}`;
      if (bound.has(k)) fail("lifecycle.deploy.duplicate", `${b.path}.${b.target}`, { other: bound.get(k)! });
      bound.set(k, `${b.path}.${b.target}`);
    }
  }
  return { certificates };
}
