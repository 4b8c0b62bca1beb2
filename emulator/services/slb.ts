// SLB (Classic Load Balancer) 2014-05-15, regional by RegionId: load balancers (CreateLoadBalancer), HTTPS
// listeners (CreateLoadBalancerHTTPSListener, Set/DescribeLoadBalancerHTTPSListenerAttribute), SNI domain
// extensions (CreateDomainExtension, SetDomainExtensionAttribute, DescribeDomainExtensions) and server
// certificates (UploadServerCertificate from cas by AliCloudCertificateId, or from PEM; DescribeServerCertificates;
// DeleteServerCertificate, refused while in use with the codes the API reference lists).
// A server certificate is a copy: it keeps serving after the cas certificate it was made from is deleted.
// The creates Keysmith never calls (CreateLoadBalancer, CreateLoadBalancerHTTPSListener, CreateDomainExtension)
// are not in its catalogue: their parameters are checked here. Every code below is the emulator's choice
// (docs/emulator.md), the cloud's documented common ones (MissingParameter, InvalidParameter) and
// DeleteServerCertificate's two refusals aside.
import { createHash } from "node:crypto";
import { CloudError, CloudErrors, need } from "../cloud-error";
import { iso } from "../json";
import { nextId, type SlbListener, type SlbLoadBalancer, type SlbServerCertificate } from "../state";
import type { ServiceContext, ServiceDefinition } from "../service";
import { heldCertificate, parseCert, publicKeyOf } from "./user-certificates";
import { certificateMatchesKey } from "../../src/core/cert/certificate";

const loadBalancerNotFound = (id: string): CloudError => new CloudError(404, "InvalidLoadBalancerId.NotFound", `The specified LoadBalancerId ${id} does not exist in this region.`);
const listenerNotFound = (port: string): CloudError => new CloudError(404, "InvalidListener.NotFound", `There is no HTTPS listener on port ${port} of this load balancer.`);
const listenerExists = (port: string): CloudError => new CloudError(400, "ListenerAlreadyExists", `A listener on port ${port} exists already.`);
const serverCertificateNotFound = (id: string): CloudError => new CloudError(404, "InvalidServerCertificateId.NotFound", `The server certificate ${id} does not exist in this region.`);
const casCertificateNotFound = (id: string): CloudError => new CloudError(404, "AliCloudCertificate.NotFound", `The cas certificate ${id} does not exist.`);
const extensionNotFound = (id: string): CloudError => new CloudError(404, "InvalidDomainExtensionId.NotFound", `The domain extension ${id} does not exist.`);
const extensionExists = (domain: string): CloudError => new CloudError(400, "DomainExtensionAlreadyExists", `The listener has a domain extension for ${domain} already.`);

// DeleteServerCertificate's refusals, as the SLB API reference lists them (400 both).
const boundToListener = (): CloudError => new CloudError(400, "CertificateAndPrivateKeyIsRefered", "The specified certificate is bound to listeners. You cannot delete it.");
const boundToExtension = (): CloudError => new CloudError(400, "CertificateRelatedDomainExtensionExist", "The domainExtension related with this ServerCertificate exists.");



function onOff(p: Record<string, string>, name: string): "on" | "off" {
  const v = need(p, name);
  if (v !== "on" && v !== "off") throw CloudErrors.invalidParameter(name, "It must be on or off.");
  return v;
}

function portOf(p: Record<string, string>): string {
  const v = need(p, "ListenerPort");
  if (!/^[0-9]{1,5}$/.test(v) || Number(v) < 1 || Number(v) > 65535) throw CloudErrors.invalidParameter("ListenerPort", "It must be from 1 to 65535.");
  return String(Number(v));
}

function findLoadBalancer(ctx: ServiceContext, p: Record<string, string>): SlbLoadBalancer {
  const region = need(p, "RegionId");
  const id = need(p, "LoadBalancerId");
  const lb = ctx.state.slb.loadBalancers[id];
  if (!lb || lb.regionId !== region) throw loadBalancerNotFound(id);
  return lb;
}

function findListener(ctx: ServiceContext, p: Record<string, string>): SlbListener {
  const lb = findLoadBalancer(ctx, p);
  const port = portOf(p);
  const listener = lb.listeners[port];
  if (!listener) throw listenerNotFound(port);
  return listener;
}

function findServerCertificate(ctx: ServiceContext, region: string, id: string): SlbServerCertificate {
  const cert = ctx.state.slb.serverCertificates[id];
  if (!cert || cert.regionId !== region) throw serverCertificateNotFound(id);
  return cert;
}

/** SLB shows fingerprints as lower-case hex pairs joined by colons. */
const fingerprintOf = (der: Uint8Array): string => createHash("sha1").update(der).digest("hex").match(/../g)!.join(":");

function serverCertificateRow(c: SlbServerCertificate): Record<string, unknown> {
  return {
    ServerCertificateId: c.serverCertificateId,
    ServerCertificateName: c.name,
    RegionId: c.regionId,
    Fingerprint: c.fingerprint,
    CommonName: c.commonName,
    SubjectAlternativeNames: { SubjectAlternativeName: c.sans },
    ExpireTime: iso(c.notAfter),
    ExpireTimeStamp: c.notAfter,
    CreateTime: iso(c.createdAt),
    CreateTimeStamp: c.createdAt,
    IsAliCloudCertificate: c.aliCloudCertificateId ? 1 : 0,
    AliCloudCertificateId: c.aliCloudCertificateId ?? "",
    AliCloudCertificateName: c.aliCloudCertificateName ?? "",
    ResourceGroupId: "rg-acfmyuji4b6r4ry",
  };
}

export const slbService: ServiceDefinition = {
  id: "slb",
  version: "2014-05-15",
  host: "slb.aliyuncs.com",
  creates: ["CreateLoadBalancer", "CreateLoadBalancerHTTPSListener", "CreateDomainExtension", "UploadServerCertificate"],
  handlers: {
    CreateLoadBalancer(p, ctx) {
      const region = need(p, "RegionId");
      const id = `lb-emu${nextId(ctx.state, "lb")}`;
      ctx.state.slb.loadBalancers[id] = { loadBalancerId: id, regionId: region, name: p.LoadBalancerName ?? id, createdAt: ctx.now(), listeners: {} };
      return { LoadBalancerId: id, LoadBalancerName: p.LoadBalancerName ?? id, Address: "203.0.113.80", NetworkType: "classic", AddressIPVersion: "ipv4" };
    },
    CreateLoadBalancerHTTPSListener(p, ctx) {
      const lb = findLoadBalancer(ctx, p);
      const port = portOf(p);
      if (lb.listeners[port]) throw listenerExists(port);
      const stickySession = onOff(p, "StickySession");
      const healthCheck = onOff(p, "HealthCheck");
      if (p.ServerCertificateId) findServerCertificate(ctx, lb.regionId, p.ServerCertificateId);
      lb.listeners[port] = {
        port: Number(port),
        backendServerPort: Number(p.BackendServerPort ?? 80),
        bandwidth: Number(p.Bandwidth ?? -1),
        stickySession,
        ...(stickySession === "on" ? { stickySessionType: need(p, "StickySessionType") } : {}),
        ...(p.CookieTimeout ? { cookieTimeout: Number(p.CookieTimeout) } : {}),
        ...(p.Cookie ? { cookie: p.Cookie } : {}),
        healthCheck,
        ...(p.ServerCertificateId ? { serverCertificateId: p.ServerCertificateId } : {}),
        status: "stopped",
        domainExtensions: [],
      };
      return {};
    },
    CreateDomainExtension(p, ctx) {
      const listener = findListener(ctx, p);
      const region = p.RegionId!;
      const domain = need(p, "Domain").toLowerCase();
      const certId = need(p, "ServerCertificateId");
      findServerCertificate(ctx, region, certId);
      if (listener.domainExtensions.some((e) => e.domain === domain)) throw extensionExists(domain);
      const domainExtensionId = `de-emu${nextId(ctx.state, "lb")}`;
      listener.domainExtensions.push({ domainExtensionId, domain, serverCertificateId: certId });
      return { DomainExtensionId: domainExtensionId, ListenerPort: listener.port };
    },
    UploadServerCertificate(p, ctx) {
      const region = need(p, "RegionId");
      let made: Omit<SlbServerCertificate, "serverCertificateId" | "name" | "regionId" | "createdAt">;
      if (p.AliCloudCertificateId) {
        const held = heldCertificate(ctx, p.AliCloudCertificateId);
        if (!held) throw casCertificateNotFound(p.AliCloudCertificateId);
        const chain = parseCert(held.certPem, "ServerCertificate");
        made = {
          aliCloudCertificateId: held.certId,
          aliCloudCertificateName: p.AliCloudCertificateName ?? held.name,
          aliCloudCertificateRegionId: p.AliCloudCertificateRegionId ?? "cn-hangzhou",
          certPem: held.certPem, fingerprint: fingerprintOf(chain.leaf.der), commonName: held.commonName, sans: held.sans, notAfter: held.notAfter,
        };
      } else {
        const chain = parseCert(need(p, "ServerCertificate"), "ServerCertificate");
        const spki = publicKeyOf(need(p, "PrivateKey"), "PrivateKey");
        if (!certificateMatchesKey(chain.leaf.spkiDer, spki)) throw new CloudError(400, "ServerCertificate.KeyMismatch", "The certificate and the private key do not match.");
        made = { certPem: chain.pem, fingerprint: fingerprintOf(chain.leaf.der), commonName: chain.leaf.commonName, sans: chain.leaf.sans, notAfter: chain.leaf.notAfter.getTime() };
      }
      const serverCertificateId = `${ctx.accountId}-${region}-${nextId(ctx.state, "lb")}`;
      const cert: SlbServerCertificate = { ...made, serverCertificateId, name: p.ServerCertificateName ?? made.aliCloudCertificateName ?? serverCertificateId, regionId: region, createdAt: ctx.now() };
      ctx.state.slb.serverCertificates[serverCertificateId] = cert;
      return serverCertificateRow(cert);
    },
    // Refused while a listener serves it by default or an SNI domain extension serves it (in its region).
    DeleteServerCertificate(p, ctx) {
      const region = need(p, "RegionId");
      const id = need(p, "ServerCertificateId");
      findServerCertificate(ctx, region, id);
      const listeners = Object.values(ctx.state.slb.loadBalancers).filter((lb) => lb.regionId === region).flatMap((lb) => Object.values(lb.listeners));
      if (listeners.some((l) => l.serverCertificateId === id)) throw boundToListener();
      if (listeners.some((l) => l.domainExtensions.some((e) => e.serverCertificateId === id))) throw boundToExtension();
      delete ctx.state.slb.serverCertificates[id];
      return {};
    },
    DescribeServerCertificates(p, ctx) {
      const region = need(p, "RegionId");
      const all = Object.values(ctx.state.slb.serverCertificates).filter((c) => c.regionId === region && (!p.ServerCertificateId || c.serverCertificateId === p.ServerCertificateId));
      return { ServerCertificates: { ServerCertificate: all.map(serverCertificateRow) } };
    },
    SetLoadBalancerHTTPSListenerAttribute(p, ctx) {
      const listener = findListener(ctx, p);
      if (p.ServerCertificateId) findServerCertificate(ctx, p.RegionId!, p.ServerCertificateId);
      listener.stickySession = onOff(p, "StickySession");
      listener.healthCheck = onOff(p, "HealthCheck");
      if (listener.stickySession === "on") listener.stickySessionType = need(p, "StickySessionType");
      if (p.CookieTimeout) listener.cookieTimeout = Number(p.CookieTimeout);
      if (p.Cookie) listener.cookie = p.Cookie;
      if (p.Bandwidth) listener.bandwidth = Number(p.Bandwidth);
      if (p.ServerCertificateId && p.ServerCertificateId !== listener.serverCertificateId) {
        listener.serverCertificateId = p.ServerCertificateId;
        ctx.state.slb.deploys += 1;
      }
      return {};
    },
    DescribeLoadBalancerHTTPSListenerAttribute(p, ctx) {
      const l = findListener(ctx, p);
      return {
        ListenerPort: l.port,
        BackendServerPort: l.backendServerPort,
        Bandwidth: l.bandwidth,
        Status: l.status,
        StickySession: l.stickySession,
        ...(l.stickySessionType ? { StickySessionType: l.stickySessionType } : {}),
        ...(l.cookieTimeout !== undefined ? { CookieTimeout: l.cookieTimeout } : {}),
        ...(l.cookie ? { Cookie: l.cookie } : {}),
        HealthCheck: l.healthCheck,
        ...(l.serverCertificateId ? { ServerCertificateId: l.serverCertificateId } : {}),
        DomainExtensions: { DomainExtension: l.domainExtensions.map((e) => ({ DomainExtensionId: e.domainExtensionId, Domain: e.domain, ServerCertificateId: e.serverCertificateId })) },
      };
    },
    SetDomainExtensionAttribute(p, ctx) {
      const region = need(p, "RegionId");
      const id = need(p, "DomainExtensionId");
      const certId = need(p, "ServerCertificateId");
      for (const lb of Object.values(ctx.state.slb.loadBalancers)) {
        if (lb.regionId !== region) continue;
        for (const l of Object.values(lb.listeners)) {
          const e = l.domainExtensions.find((x) => x.domainExtensionId === id);
          if (!e) continue;
          findServerCertificate(ctx, region, certId);
          if (e.serverCertificateId !== certId) ctx.state.slb.deploys += 1;
          e.serverCertificateId = certId;
          return {};
        }
      }
      throw extensionNotFound(id);
    },
    DescribeDomainExtensions(p, ctx) {
      const l = findListener(ctx, p);
      const rows = l.domainExtensions.filter((e) => !p.DomainExtensionId || e.domainExtensionId === p.DomainExtensionId);
      return { DomainExtensions: { DomainExtension: rows.map((e) => ({ DomainExtensionId: e.domainExtensionId, Domain: e.domain, ServerCertificateId: e.serverCertificateId })) } };
    },
  },
};
