// ALB (Application Load Balancer) 2020-06-16: listeners (CreateListener, ListListeners) and their server
// certificates, named `<cas CertId>-<cas region>` as ALB names cas certificates: the default one
// (UpdateListenerAttribute Certificates.N.CertificateId) and additional ones for SNI
// (AssociateAdditionalCertificatesWithListener, removed by DissociateAdditionalCertificatesFromListener), read back by ListListenerCertificates (IsDefault, Status).
// The cloud's changes are asynchronous (a JobId, Associating then Associated); the emulator's are done at once.
// Load balancers themselves are not emulated: CreateListener takes any `alb-…` LoadBalancerId. The emulator
// is one endpoint for every region, so listeners are not kept per region. CreateListener is not in Keysmith's
// catalogue: its parameters are checked here. Codes are the emulator's choice (docs/emulator.md).
import { randomUUID } from "node:crypto";
import { CloudError, CloudErrors, need } from "../cloud-error";
import { nextId, type AlbListener } from "../state";
import type { ServiceContext, ServiceDefinition } from "../service";
import { heldCertificate } from "./user-certificates";

const listenerNotFound = (id: string): CloudError => new CloudError(404, "ResourceNotFound.Listener", `The specified resource ${id} is not found.`);
const certificateNotFound = (id: string): CloudError => new CloudError(404, "ResourceNotFound.Certificate", `The specified certificate ${id} is not found.`);
const notAssociated = (id: string, listenerId: string): CloudError => new CloudError(404, "ResourceNotFound.Certificate", `The certificate ${id} is not an additional certificate of ${listenerId}.`);
const defaultNotDissociable = (id: string): CloudError => new CloudError(400, "OperationDenied.DefaultCertificate", `The certificate ${id} is the listener's default certificate; replace it with UpdateListenerAttribute.`);
const notHttps = (id: string): CloudError => new CloudError(400, "OperationDenied.ListenerProtocolNotSupport", `The listener ${id} is not an HTTPS or QUIC listener.`);


function findListener(ctx: ServiceContext, id: string): AlbListener {
  const l = ctx.state.alb.listeners[id];
  if (!l) throw listenerNotFound(id);
  return l;
}

/** The certificate ids of `Certificates.N.CertificateId`, in N order. */
function certificateIds(p: Record<string, string>): string[] {
  return Object.entries(p)
    .map(([k, v]) => [/^Certificates\.(\d+)\.CertificateId$/.exec(k)?.[1], v] as const)
    .filter((e): e is readonly [string, string] => e[0] !== undefined && e[1] !== "")
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([, v]) => v);
}

/** A cas certificate as ALB names it: `<CertId>-<region>`, the CertId one cas holds. */
function checkCertificate(ctx: ServiceContext, id: string): string {
  const m = /^([0-9]+)-([a-z]+(?:-[a-z0-9]+)+)$/.exec(id);
  if (!m || !heldCertificate(ctx, m[1]!)) throw certificateNotFound(id);
  return id;
}

const job = (): Record<string, unknown> => ({ JobId: randomUUID() });

export const albService: ServiceDefinition = {
  id: "alb",
  version: "2020-06-16",
  host: "alb.aliyuncs.com",
  creates: ["CreateListener"],
  handlers: {
    CreateListener(p, ctx) {
      const loadBalancerId = need(p, "LoadBalancerId");
      if (!/^alb-[A-Za-z0-9-]+$/.test(loadBalancerId)) throw CloudErrors.invalidParameter("LoadBalancerId", "It must be an ALB instance id (alb-…).");
      const protocol = need(p, "ListenerProtocol");
      if (protocol !== "HTTP" && protocol !== "HTTPS" && protocol !== "QUIC") throw CloudErrors.invalidParameter("ListenerProtocol", "It must be HTTP, HTTPS or QUIC.");
      const port = Number(need(p, "ListenerPort"));
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw CloudErrors.invalidParameter("ListenerPort", "It must be from 1 to 65535.");
      const ids = certificateIds(p).map((id) => checkCertificate(ctx, id));
      if (protocol !== "HTTP" && ids.length === 0) throw CloudErrors.missingParameter("Certificates.1.CertificateId");
      const listenerId = `lsn-emu${nextId(ctx.state, "lb")}`;
      ctx.state.alb.listeners[listenerId] = {
        listenerId, loadBalancerId, protocol, port, createdAt: ctx.now(),
        certificates: ids.slice(0, 1).map((certificateId) => ({ certificateId, isDefault: true })),
      };
      return { ListenerId: listenerId, ...job() };
    },
    ListListeners(p, ctx) {
      const lbs = Object.entries(p).filter(([k]) => /^LoadBalancerIds\.\d+$/.test(k)).map(([, v]) => v);
      const all = Object.values(ctx.state.alb.listeners)
        .filter((l) => (!p.ListenerProtocol || l.protocol === p.ListenerProtocol) && (lbs.length === 0 || lbs.includes(l.loadBalancerId)))
        .sort((a, b) => a.createdAt - b.createdAt || a.listenerId.localeCompare(b.listenerId));
      const max = Math.min(Number(p.MaxResults ?? 20), 100);
      const start = p.NextToken ? Number(p.NextToken) : 0;
      const items = all.slice(start, start + max);
      const next = start + max < all.length ? String(start + max) : "";
      return {
        Listeners: items.map((l) => ({ ListenerId: l.listenerId, LoadBalancerId: l.loadBalancerId, ListenerProtocol: l.protocol, ListenerPort: l.port, ListenerStatus: "Running" })),
        TotalCount: all.length,
        MaxResults: max,
        ...(next ? { NextToken: next } : {}),
      };
    },
    UpdateListenerAttribute(p, ctx) {
      const l = findListener(ctx, need(p, "ListenerId"));
      const ids = certificateIds(p);
      if (ids.length > 0) {
        if (l.protocol === "HTTP") throw notHttps(l.listenerId);
        const id = checkCertificate(ctx, ids[0]!);
        const current = l.certificates.find((c) => c.isDefault);
        if (current?.certificateId !== id) {
          l.certificates = [{ certificateId: id, isDefault: true }, ...l.certificates.filter((c) => !c.isDefault && c.certificateId !== id)];
          ctx.state.alb.deploys += 1;
        }
      }
      return job();
    },
    AssociateAdditionalCertificatesWithListener(p, ctx) {
      const l = findListener(ctx, need(p, "ListenerId"));
      if (l.protocol === "HTTP") throw notHttps(l.listenerId);
      const ids = certificateIds(p);
      if (ids.length === 0) throw CloudErrors.missingParameter("Certificates.1.CertificateId");
      for (const raw of ids) {
        const id = checkCertificate(ctx, raw);
        if (l.certificates.some((c) => c.certificateId === id && !c.isDefault)) continue;
        l.certificates.push({ certificateId: id, isDefault: false });
        ctx.state.alb.deploys += 1;
      }
      return job();
    },
    // Checks every id first, then removes them all (nothing changes when one is refused). The cloud
    // dissociates asynchronously (Dissociating, then the row is gone); the emulator at once.
    DissociateAdditionalCertificatesFromListener(p, ctx) {
      const l = findListener(ctx, need(p, "ListenerId"));
      if (l.protocol === "HTTP") throw notHttps(l.listenerId);
      const ids = certificateIds(p);
      if (ids.length === 0) throw CloudErrors.missingParameter("Certificates.1.CertificateId");
      if (ids.length > 20) throw CloudErrors.invalidParameter("Certificates", "At most 20 certificates per call.");
      for (const id of ids) {
        if (l.certificates.some((c) => c.certificateId === id && !c.isDefault)) continue;
        if (l.certificates.some((c) => c.certificateId === id && c.isDefault)) throw defaultNotDissociable(id);
        throw notAssociated(id, l.listenerId);
      }
      l.certificates = l.certificates.filter((c) => c.isDefault || !ids.includes(c.certificateId));
      return job();
    },
    ListListenerCertificates(p, ctx) {
      const l = findListener(ctx, need(p, "ListenerId"));
      const rows = p.CertificateType === "Ca" ? [] : l.certificates;
      const max = Math.min(Number(p.MaxResults ?? 20), 100);
      const start = p.NextToken ? Number(p.NextToken) : 0;
      const items = rows.slice(start, start + max);
      const next = start + max < rows.length ? String(start + max) : "";
      return {
        Certificates: items.map((c) => ({ CertificateId: c.certificateId, IsDefault: c.isDefault, Status: "Associated", CertificateType: "Server" })),
        TotalCount: rows.length,
        MaxResults: max,
        ...(next ? { NextToken: next } : {}),
      };
    },
  },
};
