// SLB (Classic Load Balancer) 2014-05-15 (slb.<region>.aliyuncs.com; every call names its RegionId): a cas
// certificate becomes an SLB server certificate (UploadServerCertificate with AliCloudCertificateId, -Name and
// -RegionId: no key passes), which an HTTPS listener serves by default (SetLoadBalancerHTTPSListenerAttribute
// ServerCertificateId) or for one SNI domain (SetDomainExtensionAttribute). Names, types and allowed values
// from the SLB API reference. SetLoadBalancerHTTPSListenerAttribute requires StickySession and HealthCheck: a
// deploy sends back what DescribeLoadBalancerHTTPSListenerAttribute says, so only the certificate changes.
import { fail } from "../../errors";
import type { Operation } from "../operation-types";
import { fields, p, req } from "./build";

const slb = (action: string, kind: Operation["kind"], params: Operation["params"], response: string): Operation =>
  ({ service: "slb", version: "2014-05-15", action, method: "POST", kind, params, response: fields(`RequestId${response ? `, ${response}` : ""}`) });

const regionId = req("RegionId", "string", "The load balancer's region, e.g. cn-hangzhou");
const loadBalancerId = req("LoadBalancerId", "string", "The load balancer (lb-…)");
const listenerPort = req("ListenerPort", "integer", "The HTTPS listener's port (1 to 65535)", { rule: "positive" });

export const SLB_OPERATIONS: Operation[] = [
  {
    // Not a create under the write-ahead ledger: the deploy target first looks for a server certificate made
    // from the same cas CertId (DescribeServerCertificates) and reuses it, so a lost answer costs one spare copy.
    ...slb("UploadServerCertificate", "write", [
      regionId,
      p("AliCloudCertificateId", "string", "The cas certificate's ID (a certificate issued by or uploaded to cas)"),
      p("AliCloudCertificateName", "string", "The cas certificate's name (with AliCloudCertificateId)"),
      p("AliCloudCertificateRegionId", "string", "Where the cas certificate lives (with AliCloudCertificateId)", { allowed: ["cn-hangzhou", "ap-southeast-1"] }),
      p("ServerCertificate", "string", "PEM certificate (a certificate not in cas)", { rule: "certificate_pem" }),
      p("PrivateKey", "string", "PEM private key (a certificate not in cas)", { rule: "private_key_pem", secret: true }),
      p("ServerCertificateName", "string", "Name of the server certificate (1 to 80 characters)"),
      p("ResourceGroupId", "string", "Resource group"),
    ], "ServerCertificateId, ServerCertificateName, Fingerprint, AliCloudCertificateId, AliCloudCertificateName, CommonName, ExpireTime"),
    crossCheck: (c) => {
      if (c.AliCloudCertificateId) {
        if (!c.AliCloudCertificateName) fail("api.param.required", "AliCloudCertificateName", { action: "UploadServerCertificate" });
        if (!c.AliCloudCertificateRegionId) fail("api.param.required", "AliCloudCertificateRegionId", { action: "UploadServerCertificate" });
      } else {
        if (!c.ServerCertificate) fail("api.param.required", "ServerCertificate", { action: "UploadServerCertificate" });
        if (!c.PrivateKey) fail("api.param.required", "PrivateKey", { action: "UploadServerCertificate" });
      }
    },
  },
  // Keysmith deletes only server certificates it made from an upload a renewal replaced (recognised by the
  // upload's recorded CertId and name), once the new one is confirmed; SLB refuses one a listener or SNI
  // domain extension still uses (CertificateAndPrivateKeyIsRefered, CertificateRelatedDomainExtensionExist).
  slb("DeleteServerCertificate", "write", [
    regionId,
    req("ServerCertificateId", "string", "The server certificate to delete"),
  ], ""),
  slb("DescribeServerCertificates", "read", [
    regionId,
    p("ServerCertificateId", "string", "One server certificate"),
    p("ResourceGroupId", "string", "Resource group"),
  ], "ServerCertificates.ServerCertificate:array"),
  {
    ...slb("SetLoadBalancerHTTPSListenerAttribute", "write", [
      regionId,
      loadBalancerId,
      listenerPort,
      req("StickySession", "string", "Session persistence", { allowed: ["on", "off"] }),
      p("StickySessionType", "string", "How sessions are kept (StickySession on)", { allowed: ["insert", "server"] }),
      p("CookieTimeout", "integer", "Cookie lifetime in seconds (insert)", { rule: "positive" }),
      p("Cookie", "string", "The server's cookie (server)"),
      req("HealthCheck", "string", "Health checks", { allowed: ["on", "off"] }),
      p("ServerCertificateId", "string", "The server certificate the listener serves by default"),
      p("Bandwidth", "integer", "Peak bandwidth in Mbit/s (-1: unlimited)"),
      p("Description", "string", "The listener's name"),
    ], ""),
    crossCheck: (c) => {
      if (c.StickySession !== "on") return;
      if (!c.StickySessionType) fail("api.param.required", "StickySessionType", { action: "SetLoadBalancerHTTPSListenerAttribute" });
      if (c.StickySessionType === "insert" && !c.CookieTimeout) fail("api.param.required", "CookieTimeout", { action: "SetLoadBalancerHTTPSListenerAttribute" });
      if (c.StickySessionType === "server" && !c.Cookie) fail("api.param.required", "Cookie", { action: "SetLoadBalancerHTTPSListenerAttribute" });
    },
  },
  slb("DescribeLoadBalancerHTTPSListenerAttribute", "read", [regionId, loadBalancerId, listenerPort],
    "ListenerPort:integer, ServerCertificateId, StickySession, StickySessionType, CookieTimeout:integer, Cookie, HealthCheck, Status, Bandwidth:integer"),
  slb("SetDomainExtensionAttribute", "write", [
    regionId,
    req("DomainExtensionId", "string", "The SNI domain extension (de-…)"),
    req("ServerCertificateId", "string", "The server certificate it serves"),
  ], ""),
  slb("DescribeDomainExtensions", "read", [
    regionId,
    loadBalancerId,
    listenerPort,
    p("DomainExtensionId", "string", "One domain extension"),
  ], "DomainExtensions.DomainExtension:array"),
];
