// The test handle on a running emulator, in process (the `control` object startEmulator returns) and over
// HTTP (`/__emulator/...`, JSON in and out; emulator/server.ts answers only loopback clients naming a
// loopback Host, and POSTs only with Content-Type application/json): force order states, advance the business
// clock, set faults, packages and zones, read the CA roots, a summary of the state (without keys) and the
// counts of what it holds; STS roles, OIDC providers (and tokens for them) and the ECS instance role.
import type { ServiceContext } from "./service";
import type { LateCommits } from "./late-commits";
import type { FaultConfig, Faults } from "./faults";
import { forceOrderState, CERTIFICATE_LIFETIME_MS } from "./services/cas";
import { parseCsr } from "./csr";
import type { OrderState } from "./state";
import { defineOidcProvider, defineRole, mintOidcToken, setEcsRole, stsSummary, type OidcProviderDefinition, type OidcTokenClaims } from "./services/sts";

/** How many of each thing the emulator holds; lists' lag (listLagMs) does not hide anything here. */
export interface EmulatorCounts {
  orders: number;
  csrs: number;
  kmsCertificates: number;
  dnsRecords: number;
  /** cas UploadUserCertificate certificates held (DeleteUserCertificate removes one). */
  uploads: number;
  /** CDN accelerated domains (AddCdnDomain). */
  cdnDomains: number;
  /** Certificates set on a CDN domain (SetCdnDomainSSLCertificate with SSLProtocol on that succeeded), ever. */
  cdnDeploys: number;
  /** DCDN domains (AddDcdnDomain) and certificates set on them (SetDcdnDomainSSLCertificate on), ever. */
  dcdnDomains: number;
  dcdnDeploys: number;
  /** SLB server certificates held (UploadServerCertificate), and certificates set on a listener or SNI domain, ever. */
  slbServerCertificates: number;
  slbDeploys: number;
  /** ALB certificates set as a listener's default or associated as additional ones, ever. */
  albDeploys: number;
  /** Creates the lateCommit fault still holds back (not yet in the counts above). */
  pendingCommits: number;
}

const ORDER_STATES: readonly OrderState[] = ["payed", "domain_verify", "process", "certificate", "verify_fail"];

export interface EmulatorControl {
  /** PEM roots to trust: `ec` for RSA and EC leaves, `sm2` for SM2 leaves. */
  caRoots(): { ec: string; sm2: string };
  forceOrderState(orderId: string, state: OrderState): Promise<void>;
  /** Moves the business clock (orders in `process`, validity dates) forward; signatures keep real time. */
  advanceTime(ms: number): void;
  setFaults(faults: FaultConfig): void;
  setPackage(productCode: string, total: number): void;
  addZone(zone: string): void;
  /**
   * Signs any CSR with the emulator's CA (SM2 keys by the SM2 chain), e.g. a KMS CreateCertificate CSR
   * before UploadCertificate. DNS names default to the CSR's SANs, else its CN.
   */
  signCsr(csrPem: string, dnsNames?: string[]): Promise<{ certificate: string; chain: string }>;
  /** Orders (no keys), packages, DNS records, CSR and KMS IDs, counts. */
  snapshot(): Record<string, unknown>;
  counts(): EmulatorCounts;
  /** Defines or replaces a RAM role and the principals it trusts (emulator/services/sts.ts). */
  defineRole(arn: string, trusted: string[], maxSessionDuration?: number): void;
  /** Registers an OIDC provider; tokens for it come from oidcToken. */
  defineOidcProvider(provider: OidcProviderDefinition): void;
  /** An HS256 JWT the provider would accept (claims overridable to make bad ones). */
  oidcToken(providerArn: string, claims?: OidcTokenClaims): string;
  /** The role ECS instance metadata serves credentials for. */
  setEcsRole(roleArn: string, requireToken?: boolean): void;
  /** Roles, providers (no secrets), the ECS role and the credentials issued (ids and expiries only). */
  sts(): Record<string, unknown>;
  /** The HTTP form: returns undefined for an unknown route. */
  dispatch(method: string, route: string, input: Record<string, unknown>): Promise<unknown>;
}

export function createControl(ctx: ServiceContext, faults: Faults, persist: () => void, lateCommits?: LateCommits): EmulatorControl {
  const control: EmulatorControl = {
    caRoots: () => ctx.ca.roots(),
    async forceOrderState(orderId, state) {
      if (!ORDER_STATES.includes(state)) throw new Error(`unknown order state ${String(state)}; one of ${ORDER_STATES.join(", ")}`);
      const order = ctx.state.orders[orderId];
      if (!order) throw new Error(`no order ${orderId}`);
      await forceOrderState(ctx, order, state);
      persist();
    },
    advanceTime(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new Error("advance by a non-negative number of milliseconds");
      ctx.state.clockOffsetMs += ms;
      persist();
    },
    setFaults: (f) => faults.set(f),
    setPackage(productCode, total) {
      if (!Number.isInteger(total) || total < 0) throw new Error("total must be a whole number from 0");
      const pkg = (ctx.state.packages[productCode] ??= { total: 0, used: 0, issued: 0 });
      pkg.total = total;
      persist();
    },
    addZone(zone) {
      const z = zone.toLowerCase();
      if (!ctx.state.dns.zones.includes(z)) ctx.state.dns.zones.push(z);
      persist();
    },
    async signCsr(csrPem, dnsNames) {
      const csr = await parseCsr(csrPem, "csr");
      const names = dnsNames ?? (csr.dnsNames.length > 0 ? csr.dnsNames : csr.commonName ? [csr.commonName] : []);
      if (names.length === 0) throw new Error("the CSR names no domain: pass dnsNames");
      const now = ctx.now();
      const leaf = await ctx.ca.issue({
        spkiDer: csr.spkiDer, commonName: csr.commonName ?? names[0]!, dnsNames: names, notBefore: now - 5 * 60 * 1000, notAfter: now + CERTIFICATE_LIFETIME_MS,
      });
      return { certificate: leaf.certificatePem, chain: leaf.chainPem };
    },
    defineRole(arn, trusted, maxSessionDuration) {
      if (!Array.isArray(trusted)) throw new Error("trusted must be a list of principals");
      defineRole(ctx, arn, trusted.map(String), maxSessionDuration);
      persist();
    },
    defineOidcProvider(provider) {
      defineOidcProvider(ctx, provider);
      persist();
    },
    oidcToken: (providerArn, claims) => mintOidcToken(ctx, providerArn, claims),
    setEcsRole(roleArn, requireToken) {
      setEcsRole(ctx, roleArn, requireToken ?? false);
      persist();
    },
    sts: () => stsSummary(ctx),
    counts: () => ({
      orders: Object.keys(ctx.state.orders).length,
      csrs: Object.keys(ctx.state.csrs).length,
      kmsCertificates: Object.keys(ctx.state.kms).length,
      dnsRecords: Object.keys(ctx.state.dns.records).length,
      uploads: Object.keys(ctx.state.userCertificates).length,
      cdnDomains: Object.keys(ctx.state.cdn.domains).length,
      cdnDeploys: ctx.state.cdn.deploys,
      dcdnDomains: Object.keys(ctx.state.dcdn.domains).length,
      dcdnDeploys: ctx.state.dcdn.deploys,
      slbServerCertificates: Object.keys(ctx.state.slb.serverCertificates).length,
      slbDeploys: ctx.state.slb.deploys,
      albDeploys: ctx.state.alb.deploys,
      pendingCommits: lateCommits?.pending() ?? 0,
    }),
    snapshot: () => ({
      counts: control.counts(),
      orders: Object.values(ctx.state.orders).map((o) => ({
        orderId: o.orderId, domain: o.domain, productCode: o.productCode, state: o.state, validateType: o.validateType, serverKey: o.privateKeyPem !== undefined,
      })),
      packages: ctx.state.packages,
      dnsRecords: Object.values(ctx.state.dns.records),
      zones: ctx.state.dns.zones,
      csrIds: Object.keys(ctx.state.csrs),
      kmsCertificateIds: Object.keys(ctx.state.kms),
      uploads: Object.values(ctx.state.userCertificates).map((c) => ({
        certId: c.certId, name: c.name, commonName: c.commonName, serial: c.serial, notAfter: c.notAfter,
      })),
      cdnDomains: Object.values(ctx.state.cdn.domains).map((d) => ({
        domainName: d.domainName, cdnType: d.cdnType, https: d.https ? { certType: d.https.certType, certId: d.https.certId, serial: d.https.serial, notAfter: d.https.notAfter } : null,
      })),
      clockOffsetMs: ctx.state.clockOffsetMs,
      faults: faults.get(),
    }),
    async dispatch(method, route, input) {
      const m = method.toUpperCase();
      const orderState = /^orders\/(\d+)\/state$/.exec(route);
      if (m === "GET" && route === "ca") return control.caRoots();
      if (m === "GET" && route === "state") return control.snapshot();
      if (m === "GET" && route === "counts") return control.counts();
      if (m === "POST" && orderState) {
        await control.forceOrderState(orderState[1]!, String(input.state) as OrderState);
        return { ok: true };
      }
      if (m === "POST" && route === "clock/advance") {
        control.advanceTime(Number(input.ms));
        return { ok: true, clockOffsetMs: ctx.state.clockOffsetMs };
      }
      if (m === "POST" && route === "faults") {
        control.setFaults(input as FaultConfig); // validated by Faults.set (emulator/faults.ts): a bad value throws, answered 400
        return { ok: true, faults: faults.get() };
      }
      if (m === "POST" && route === "packages") {
        control.setPackage(String(input.productCode), Number(input.total));
        return { ok: true };
      }
      if (m === "POST" && route === "sign") {
        return control.signCsr(String(input.csr), Array.isArray(input.dnsNames) ? input.dnsNames.map(String) : undefined);
      }
      if (m === "GET" && route === "sts") return control.sts();
      if (m === "POST" && route === "sts/roles") {
        control.defineRole(String(input.arn), Array.isArray(input.trusted) ? input.trusted.map(String) : [], input.maxSessionDuration === undefined ? undefined : Number(input.maxSessionDuration));
        return { ok: true };
      }
      if (m === "POST" && route === "sts/oidc-providers") {
        control.defineOidcProvider({ arn: String(input.arn), issuer: String(input.issuer), audience: String(input.audience), subject: input.subject === undefined ? undefined : String(input.subject) });
        return { ok: true };
      }
      if (m === "POST" && route === "sts/oidc-token") {
        const opt = (name: string) => (input[name] === undefined ? undefined : String(input[name]));
        const token = control.oidcToken(String(input.providerArn), {
          subject: opt("subject"), audience: opt("audience"), issuer: opt("issuer"),
          expiresInSeconds: input.expiresInSeconds === undefined ? undefined : Number(input.expiresInSeconds),
        });
        return { token };
      }
      if (m === "POST" && route === "sts/ecs-role") {
        control.setEcsRole(String(input.roleArn), input.requireToken === true);
        return { ok: true };
      }
      if (m === "POST" && route === "zones") {
        control.addZone(String(input.zone));
        return { ok: true };
      }
      return undefined;
    },
  };
  return control;
}
