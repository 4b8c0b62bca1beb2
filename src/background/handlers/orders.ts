// orders.*: the cloud operations that turn a CSR into a certificate, and the local record of each order
// (order-store.ts) the follower keeps up to date. A create is sent once; the client reconciles a create
// whose answer was lost (src/core/aliyun), never retried blind here.
import { requireCasCsrKey } from "../../core/aliyun/csr-check";
import { fail } from "../../core/errors";
import { dnsRecordPlacement } from "../../core/aliyun/dns-placement";
import type { Locale } from "../../core/i18n";
import { formatDn, subjectFromFields } from "../../core/subject";
import type { Contact, OrderView } from "../../messages";
import { orderView, OPEN_STATES, type OrderStore, type StoredOrder } from "../orders/order-store";
import type { Follower } from "../orders/follower";
import type { Handler } from "../router";
import type { Services } from "../services";

export interface OrderHandlerDeps {
  services: Services;
  orders: OrderStore;
  follower: Follower;
  newId: () => string;
  now: () => Date;
}

export { dnsRecordPlacement }; // moved to src/core/aliyun/dns-placement.ts (shared with the CLI)

export function orderHandlers(deps: OrderHandlerDeps) {
  const { services, orders, follower } = deps;

  async function record(fields: Omit<StoredOrder, "id" | "createdAt" | "updatedAt" | "notified">): Promise<StoredOrder> {
    const now = deps.now().toISOString();
    return orders.put({ ...fields, id: deps.newId(), createdAt: now, updatedAt: now, notified: [] });
  }

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
    link: { keyId?: string; parentId?: string },
  ): Promise<StoredOrder> {
    const inspection = await services.csr.inspect(csrPem, "CreateCertificateWithCsrRequest", locale);
    const cloud = await services.cloud();
    const { orderId } = await cloud.createCertificateWithCsrRequest({
      csr: csrPem,
      username: contact.username,
      phone: contact.phone,
      email: contact.email,
      validateType: contact.validateType,
      productCode: contact.productCode,
    });
    const commonName = /(?:^|,)\s*CN=([^,]+)/.exec(inspection.subject)?.[1] ?? "";
    return record({
      operation: "CreateCertificateWithCsrRequest",
      orderId,
      domain: commonName || inspection.sans[0] || "",
      state: "submitted",
      keyId: link.keyId,
      csrPem,
      ...(link.parentId ? { parentId: link.parentId } : {}),
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
  } = {
    "orders.submitCsr": async (p, ctx) => {
      const { csrPem, keyId: given, ...contact } = p;
      const keyId = given ?? (await services.keys.keyForCsr?.(csrPem));
      const order = await placeDvOrder(contact, csrPem, ctx.locale, { keyId });
      if (keyId) {
        await services.keys.linkOrder(keyId, order.id);
        await services.keys.setState(keyId, "ordered");
      }
      return startFollowing(order);
    },
    "orders.certificateRequest": async (p) => {
      const cloud = await services.cloud();
      const { orderId } = await cloud.createCertificateRequest(p);
      return startFollowing(await record({ operation: "CreateCertificateRequest", orderId, domain: p.domain, state: "submitted" }));
    },
    "orders.orderForCloudCsr": async (p, ctx) => {
      const { id, ...contact } = p;
      const parent = await orders.get(id);
      const cloudCsr = (parent.operation === "KmsCreateCertificate" && parent.state === "pending_csr")
        || (parent.operation === "CreateCsr" && parent.state === "csr_ready");
      if (!cloudCsr || !parent.csrPem) fail("orders.cloud_csr.not_pending", "id", { state: parent.state });
      const earlier = parent.childId ? await orders.find(parent.childId) : undefined;
      // One DV order at a time per CSR; a failed or cancelled one may be replaced.
      if (earlier && earlier.state !== "failed" && earlier.state !== "cancelled") {
        fail("orders.cloud_csr.already_ordered", "id", { orderId: earlier.orderId ?? earlier.id, state: earlier.state });
      }
      // Refused here, before the quota is touched: the operation takes RSA >= 2048 or ECC, never SM2.
      requireCasCsrKey(parent.csrPem, "csrPem");
      const child = await placeDvOrder(contact, parent.csrPem, ctx.locale, { parentId: parent.id });
      const latest = await orders.get(parent.id);
      await orders.put({ ...latest, childId: child.id, updatedAt: deps.now().toISOString() });
      return startFollowing(child);
    },
    "orders.casCreateCsr": async (p) => {
      const cloud = await services.cloud();
      const { csrId, csr } = await cloud.createCsr(p);
      return orderView(await record({ operation: "CreateCsr", cloudId: csrId, domain: p.commonName, state: "csr_ready", csrPem: csr }));
    },
    "orders.kmsCreateCertificate": async (p) => {
      const cloud = await services.cloud();
      // RFC 2253 order as the seed page writes it: CN=…,OU=…,O=…,C=…
      const subject = formatDn(subjectFromFields(p.subject));
      if (!p.subject.CN?.trim()) fail("orders.kms.subject_cn_required", "subject.CN");
      const made = await cloud.kmsCreateCertificate({ ...p, subject });
      return orderView(
        await record({
          operation: "KmsCreateCertificate",
          cloudId: made.certificateId,
          domain: p.subject.CN.trim(),
          state: "pending_csr",
          csrPem: made.csr,
        }),
      );
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
      await (await services.cloud()).cancelOrderRequest(order.orderId);
      const next = await orders.put({ ...order, state: "cancelled", updatedAt: deps.now().toISOString(), nextCheckAt: undefined });
      await follower.schedule();
      return orderView(next);
    },
    "orders.delete": async (p) => {
      const order = await orders.get(p.id);
      if (order.orderId && OPEN_STATES.has(order.state)) fail("orders.delete.open", "id", { state: order.state });
      if (order.orderId && (order.state === "failed" || order.state === "cancelled")) {
        await (await services.cloud()).deleteCertificateRequest(order.orderId);
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
      const { recordId } = await (await services.cloud()).addDomainRecord({
        domainName: place.zone,
        rr: place.rr,
        type: v.recordType || "TXT",
        value: v.recordValue,
      });
      const next = await orders.put({ ...order, dnsRecordId: recordId, updatedAt: deps.now().toISOString() });
      return startFollowing(next);
    },
  };
  return handlers;
}
