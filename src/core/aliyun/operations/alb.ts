// ALB (Application Load Balancer) 2020-06-16 (alb.<region>.aliyuncs.com): an HTTPS listener serves a cas
// certificate named `<CertId>-<cas region>` (e.g. 14000001-cn-hangzhou), as its default certificate
// (UpdateListenerAttribute Certificates.1.CertificateId) or as an additional one for SNI
// (AssociateAdditionalCertificatesWithListener; DissociateAdditionalCertificatesFromListener removes one);
// ListListenerCertificates reads both back (IsDefault). Names
// and types from the ALB API reference; one certificate per call is all Keysmith sends, so only the first
// element of the Certificates list is catalogued (RPC style: Certificates.1.CertificateId).
import type { Operation } from "../operation-types";
import { fields, p, req } from "./build";

const alb = (action: string, kind: Operation["kind"], params: Operation["params"], response: string): Operation =>
  ({ service: "alb", version: "2020-06-16", action, method: "POST", kind, params, response: fields(`RequestId${response ? `, ${response}` : ""}`) });

const listenerId = req("ListenerId", "string", "The HTTPS or QUIC listener (lsn-…)");
const clientToken = p("ClientToken", "string", "Idempotence token");
const dryRun = p("DryRun", "boolean", "Only check the request");

export const ALB_OPERATIONS: Operation[] = [
  alb("UpdateListenerAttribute", "write", [
    listenerId,
    p("Certificates.1.CertificateId", "string", "The default certificate: a cas certificate as <CertId>-<region>"),
    p("ListenerDescription", "string", "The listener's name"),
    clientToken,
    dryRun,
  ], "JobId"),
  alb("AssociateAdditionalCertificatesWithListener", "write", [
    listenerId,
    req("Certificates.1.CertificateId", "string", "An additional (SNI) certificate: a cas certificate as <CertId>-<region>"),
    clientToken,
    dryRun,
  ], "JobId"),
  // Keysmith dissociates only the additional certificate a renewal replaced on a listener it deploys to,
  // once ListListenerCertificates shows the new one Associated (src/core/lifecycle/deploy-targets.ts ALB_TARGET.retire).
  alb("DissociateAdditionalCertificatesFromListener", "write", [
    listenerId,
    req("Certificates.1.CertificateId", "string", "An additional certificate to dissociate: a cas certificate as <CertId>-<region>"),
    clientToken,
    dryRun,
  ], "JobId"),
  alb("ListListenerCertificates", "read", [
    listenerId,
    p("CertificateType", "string", "Server or Ca certificates", { allowed: ["Server", "Ca"] }),
    p("MaxResults", "integer", "Page size (1 to 100, default 20)", { rule: "positive" }),
    p("NextToken", "string", "The previous page's NextToken"),
  ], "Certificates:array, NextToken, TotalCount:integer, MaxResults:integer"),
  alb("ListListeners", "read", [
    p("ListenerProtocol", "string", "Protocol filter", { allowed: ["HTTP", "HTTPS", "QUIC"] }),
    p("LoadBalancerIds.1", "string", "One load balancer (alb-…)"),
    p("MaxResults", "integer", "Page size (1 to 100, default 20)", { rule: "positive" }),
    p("NextToken", "string", "The previous page's NextToken"),
  ], "Listeners:array, NextToken, TotalCount:integer, MaxResults:integer"),
];
