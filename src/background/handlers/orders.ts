// orders.*: the cloud operations that turn a CSR into a certificate, and the local record of each order
// (order-store.ts) the follower keeps up to date. Every create goes through orders/creates.ts: written to
// the pending-create ledger before it is sent, sent once, recorded from its answer, and a lost answer is
// left to reconciliation (orders.pending*), never retried blind here. An issued order whose key or
// certificate came from an endpoint that is not Alibaba Cloud waits (`importPending`) for
// orders.confirmImport, which asks that endpoint again and imports, or orders.declineImport.
// A new order is placed under the selected profile (creates.ts records it on the order); anything done to an
// existing order later (cancel, delete, DNS record, a DV order for its cloud CSR) uses the order's profile.
import { requireCasCsrKey } from "../../core/aliyun/csr-check";
import { fail } from "../../core/errors";
import { dnsRecordPlacement } from "../../core/aliyun/dns-placement";
import type { Locale } from "../../core/i18n";
import { formatDn, subjectFromFields } from "../../core/subject";
import { profileOrDefault, type Contact, type OrderView } from "../../messages";
import { orderView, OPEN_STATES, type OrderStore, type StoredOrder } from "../orders/order-store";
import type { Follower } from "../orders/follower";
import type { Creates } from "../orders/creates";
import type { Handler } from "../router";
import type { Services } from "../services";

export interface OrderHandlerDeps {
  services: Services;
  orders: OrderStore;
  follower: Follower;
  creates: Creates;
  newId: () => string;
  now: () => Date;
}

export { dnsRecordPlacement }; // moved to src/core/aliyun/dns-placement.ts (shared with the CLI)

export function orderHandlers(deps: OrderHandlerDeps) {
  const { services, orders, follower, creates } = deps;

  /** After a cas order is placed: look once now (the validation record is usually ready), then follow. */
  async function startFollowing(order: StoredOrder): Promise<OrderView> {
    const checked = await follower.check(order);
    await follower.schedule();
    return orderView(checked);
  }

  /**
   * CreateCertificateWithCsrRequest for `csrPem` and its local record. `keyId` links a CSR made here with
   * its vault key; `parentId` marks a DV order for a cloud CSR (its key is in KMS or cas, never here).
   */
  async function placeDvOrder(
    contact: Contact,
    csrPem: string,
    locale: Locale,
    link: { keyId?: string; parentId?: string; profileId?: string },
    allowDuplicate?: boolean,
  ): Promise<StoredOrder> {
    const inspection = await services.csr.inspect(csrPem, "CreateCertificateWithCsrRequest", locale);
    const commonName = /(?:^|,)\s*CN=([^,]+)/.exec(inspection.subject)?.[1] ?? "";
    return creates.create({
      service: "cas",
      action: "CreateCertificateWithCsrRequest",
      params: {
        Csr: csrPem,
        Username: contact.username,
        Phone: contact.phone,
        Email: contact.email,
        ValidateType: contact.validateType,
        ProductCode: contact.productCode,
      },
      context: {
        operation: "CreateCertificateWithCsrRequest",
        domain: commonName || inspection.sans[0] || "",
        ...(link.keyId ? { keyId: link.keyId } : {}),
        ...(link.parentId ? { parentId: link.parentId } : {}),
        ...(link.profileId ? { profileId: link.profileId } : {}),
      },
      ...(link.parentId ? { extraKeys: [`parent:${link.parentId}`] } : {}),
      allowDuplicate,
    });
  }

  const handlers: {
    "orders.submitCsr": Handler<"orders.submitCsr">;
    "orders.certificateRequest": Handler<"orders.certificateRequest">;
    "orders.orderForCloudCsr": Handler<"orders.orderForCloudCsr">;
    "orders.casCreateCsr": Handler<"orders.casCreateCsr">;
    "orders.kmsCreateCertificate": Handler<"orders.kmsCreateCertificate">;
    "orders.packageState": Handler<"orders.packageState">;
    "orders.list": Handler<"orders.list">;
    "orders.get": Handler<"orders.get">;
    "orders.refresh": Handler<"orders.refresh">;
    "orders.cancel": Handler<"orders.cancel">;
    "orders.delete": Handler<"orders.delete">;
    "orders.addDnsRecord": Handler<"orders.addDnsRecord">;
    "orders.pending": Handler<"orders.pending">;
    "orders.pendingCheck": Handler<"orders.pendingCheck">;
    "orders.pendingChoose": Handler<"orders.pendingChoose">;
    "orders.pendingPlaceAnyway": Handler<"orders.pendingPlaceAnyway">;
    "orders.confirmImport": Handler<"orders.confirmImport">;
    "orders.declineImport": Handler<"orders.declineImport">;
  } = {
    "orders.submitCsr": async (p, ctx) => {
      const { csrPem, keyId: given, allowDuplicate, ...contact } = p;
      const keyId = given ?? (await services.keys.keyForCsr?.(csrPem));
      // The key is linked and marked `ordered` when the result is recorded (creates.ts recordResult).
      return startFollowing(await placeDvOrder(contact, csrPem, ctx.locale, { keyId }, allowDuplicate));
    },
    "orders.certificateRequest": async (p) => {
      const order = await creates.create({
        service: "cas",
        action: "CreateCertificateRequest",
        params: { Domain: p.domain, Username: p.username, Phone: p.phone, Email: p.email, ValidateType: p.validateType, ProductCode: p.productCode },
        context: { operation: "CreateCertificateRequest", domain: p.domain },
        allowDuplicate: p.allowDuplicate,
      });
      return startFollowing(order);
    },
    "orders.orderForCloudCsr": async (p, ctx) => {
      const { id, allowDuplicate, ...contact } = p;
      const parent = await orders.get(id);
      const cloudCsr = (parent.operation === "KmsCreateCertificate" && parent.state === "pending_csr")
        || (parent.operation === "CreateCsr" && parent.state === "csr_ready");
      if (!cloudCsr || !parent.csrPem) fail("orders.cloud_csr.not_pending", "id", { state: parent.state });
      const earlier = parent.childId ? await orders.find(parent.childId) : undefined;
      // One DV order at a time per CSR; a failed or cancelled one may be replaced. (Checked again under the
      // ledger's lock with the `parent:<id>` key: two pages ordering at once get one order.)
      if (earlier && earlier.state !== "failed" && earlier.state !== "cancelled" && !allowDuplicate) {
        fail("orders.cloud_csr.already_ordered", "id", { orderId: earlier.orderId ?? earlier.id, state: earlier.state });
      }
      // Refused here, before the quota is touched: the operation takes RSA >= 2048 or ECC, never SM2.
      requireCasCsrKey(parent.csrPem, "csrPem");
      // The parent's childId is written when the result is recorded (creates.ts recordResult). The CSR is in
      // the parent's account (KMS, cas): the DV order goes to that profile too.
      return startFollowing(await placeDvOrder(contact, parent.csrPem, ctx.locale, { parentId: parent.id, profileId: profileOrDefault(parent.profileId) }, allowDuplicate));
    },
    "orders.casCreateCsr": async (p) => {
      const order = await creates.create({
        service: "cas",
        action: "CreateCsr",
        params: {
          Algorithm: p.algorithm,
          KeySize: p.keySize,
          CommonName: p.commonName,
          Sans: p.sans.length > 0 ? p.sans.join(",") : undefined,
          CountryCode: p.countryCode,
          Province: p.province,
          Locality: p.locality,
          CorpName: p.corpName || undefined,
          Department: p.department || undefined,
          Name: p.name || undefined,
        },
        context: { operation: "CreateCsr", domain: p.commonName },
        allowDuplicate: p.allowDuplicate,
      });
      return orderView(order);
    },
    "orders.kmsCreateCertificate": async (p) => {
      // RFC 2253 order as the seed page writes it: CN=…,OU=…,O=…,C=…
      const subject = formatDn(subjectFromFields(p.subject));
      if (!p.subject.CN?.trim()) fail("orders.kms.subject_cn_required", "subject.CN");
      const order = await creates.create({
        service: "kms",
        action: "CreateCertificate",
        params: {
          KeySpec: p.keySpec,
          Subject: subject,
          SubjectAlternativeNames: p.sans.length > 0 ? p.sans : undefined,
          ExportablePrivateKey: p.exportablePrivateKey,
          ProtectionLevel: p.protectionLevel,
        },
        context: { operation: "KmsCreateCertificate", domain: p.subject.CN.trim() },
        allowDuplicate: p.allowDuplicate,
      });
      return orderView(order);
    },
    "orders.packageState": async (p) => (await services.cloud()).describePackageState(p.productCode),
    "orders.list": async () => (await orders.list()).map(orderView),
    "orders.get": async (p) => orderView(await orders.get(p.id)),
    "orders.refresh": async (p) => {
      const order = await orders.get(p.id);
      // A cloud-CSR order waiting for its DV order's certificate: try to complete it now.
      if (!order.orderId) return orderView(await follower.completeParentOf(order));
      return startFollowing(order);
    },
    "orders.cancel": async (p) => {
      const order = await orders.get(p.id);
      if (!order.orderId || !OPEN_STATES.has(order.state)) fail("orders.cancel.not_open", "id", { state: order.state });
      await (await services.cloud({ profileId: profileOrDefault(order.profileId) })).cancelOrderRequest(order.orderId);
      const next = await orders.put({ ...order, state: "cancelled", updatedAt: deps.now().toISOString(), nextCheckAt: undefined });
      await follower.schedule();
      return orderView(next);
    },
    "orders.delete": async (p) => {
      const order = await orders.get(p.id);
      if (order.orderId && OPEN_STATES.has(order.state)) fail("orders.delete.open", "id", { state: order.state });
      if (order.orderId && (order.state === "failed" || order.state === "cancelled")) {
        await (await services.cloud({ profileId: profileOrDefault(order.profileId) })).deleteCertificateRequest(order.orderId);
      }
      await orders.remove(order.id);
      await follower.schedule();
      return { deleted: true as const };
    },
    "orders.addDnsRecord": async (p) => {
      const order = await orders.get(p.id);
      const v = order.validation;
      if (!v || v.type !== "DNS") fail("orders.dns.no_record", "id");
      const place = dnsRecordPlacement(v.domain || order.domain, v.recordDomain, p.zone);
      const next = await creates.create({
        service: "alidns",
        action: "AddDomainRecord",
        params: { DomainName: place.zone, RR: place.rr, Type: v.recordType || "TXT", Value: v.recordValue },
        // The validation record goes to the Alidns of the account the order was placed in.
        context: { operation: "AddDomainRecord", domain: order.domain, orderLocalId: order.id, profileId: profileOrDefault(order.profileId) },
        allowDuplicate: p.allowDuplicate,
      });
      return startFollowing(next);
    },
    "orders.pending": async () => {
      // A look at entries whose turn has come, in the background: the popup polls this while open, so a
      // lost answer is found within seconds there, not only on the next alarm (at least 30 s apart).
      void creates.reconcile().catch(() => undefined);
      return creates.view();
    },
    "orders.pendingCheck": async (p) => {
      const result = await creates.checkAgain(p.id);
      if (result.order) return { order: result.order.orderId ? await startFollowing(result.order) : orderView(result.order) };
      const entry = (await creates.view()).find((e) => e.id === p.id);
      return entry ? { entry } : {};
    },
    "orders.pendingChoose": async (p) => {
      const order = await creates.choose(p.id, p.candidateId);
      return order.orderId ? startFollowing(order) : orderView(order);
    },
    "orders.pendingPlaceAnyway": async (p) => {
      if (p.confirm !== true) fail("orders.pending.confirm_required", "confirm");
      const order = await creates.placeAnyway(p.id);
      return order.orderId ? startFollowing(order) : orderView(order);
    },
    "orders.confirmImport": async (p) => {
      const order = await orders.get(p.id);
      const pending = order.importPending;
      if (!pending || order.state !== "issued" || !order.orderId) fail("orders.import.not_pending", "id", { state: order.state });
      // The key is fetched again from the endpoint (it was never stored); a changed endpoint asks again.
      return orderView(await follower.check(order, { confirmedEndpoint: pending.endpoint }));
    },
    "orders.declineImport": async (p) => {
      const order = await orders.get(p.id);
      const pending = order.importPending;
      if (!pending || order.state !== "issued") fail("orders.import.not_pending", "id", { state: order.state });
      return orderView(await orders.put({ ...order, importPending: { ...pending, declined: true }, updatedAt: deps.now().toISOString() }));
    },
  };
  return handlers;
}
