// Start an order with one of the four seed operations. Each has its own fields and rules:
// - CreateCertificateWithCsrRequest: a CSR made here (RSA >= 2048 or ECC, not SM2) as a DV order;
// - CreateCertificateRequest: the cloud makes key and CSR for one domain;
// - cas CreateCsr: the cloud makes a key and CSR and keeps them;
// - KMS CreateCertificate: the key lives in KMS (CN, C, O, OU required; up to 10 SANs).
// Above "Submit order" a summary says what will happen: the domain, the product in words and, for the DV
// orders, that one certificate of the package is used, with the quota checked automatically
// (orders.packageState). A pasted CSR is read by the worker (csr.inspect) as it is pasted: a bad one is
// reported once, on the field. A refused submit focuses the first invalid field (src/ui/focus-invalid.ts).
import { useEffect, useRef, useState } from "preact/hooks";
import { CheckboxField, SelectField, TextField } from "../ui/fields";
import { ErrorNotice } from "../ui/notices";
import { localizeError, useLocale, useT } from "../ui/locale";
import { useAction } from "../ui/use-action";
import { checkSanBox, checkSubject, isDomainName, namesForRequest, parseNames, PROFILES, sanBoxLimit } from "../ui/subject-rules";
import { toSubjectFields, type KeyView, type OrderOperation, type OrderView, type SubjectInput, type WorkerApi } from "../ui/worker-api";
import { ContactFields, contactErrors, type ContactInput } from "../ui/contact-fields";
import { keySpecName } from "../ui/key-spec-names";
import { productDetail, productName } from "../ui/product-names";
import { useFocusInvalid } from "../ui/focus-invalid";
import { toErrorData } from "../ui/use-action";
import type { ErrorData } from "../core/errors";
import type { CsrInspection, PackageState } from "../messages";

const OPERATIONS: OrderOperation[] = ["CreateCertificateWithCsrRequest", "CreateCertificateRequest", "CreateCsr", "KmsCreateCertificate"];
const KMS_SPECS = ["RSA_2048", "EC_P256", "EC_SM2"] as const;
const CLOUD_ALGORITHMS = { RSA: [2048, 3072, 4096], ECC: [256], SM2: [256] } as const;
const CSR_NAME = /^[A-Za-z0-9_.-]{1,50}$/;

/** An error about the CSR itself (its PEM, its form, its key): shown on the CSR field rather than in a box. */
export function isCsrError(e: ErrorData | null | undefined): boolean {
  if (!e) return false;
  return /^(pem\.|csr\.|api\.param\.csr_(pem|cas|sm2|key))/.test(e.code) || /^(csr|csrPem|Csr)$/.test(e.field ?? "");
}

export function NewOrderForm(props: {
  api: WorkerApi;
  contact: ContactInput;
  defaults: SubjectInput;
  preselectKeyId?: string;
  prefillCsr?: string;
  onCreated: (o: OrderView) => void;
  onCancel?: () => void;
  /** A create was left pending (no answer came): the Orders tab shows it. */
  onPendingChanged?: () => void;
}) {
  const tr = useT();
  const locale = useLocale();
  const [operation, setOperation] = useState<OrderOperation>("CreateCertificateWithCsrRequest");
  const [contact, setContact] = useState<ContactInput>(props.contact);
  const [showErrors, setShowErrors] = useState(false);
  const [keys, setKeys] = useState<KeyView[]>([]);
  const [keyId, setKeyId] = useState(props.preselectKeyId ?? "");
  const [csrPaste, setCsrPaste] = useState(props.prefillCsr ?? "");
  const [domain, setDomain] = useState("");
  const [subject, setSubject] = useState<SubjectInput>(props.defaults);
  const [sansText, setSansText] = useState("");
  const [kmsSpec, setKmsSpec] = useState<(typeof KMS_SPECS)[number]>("EC_P256");
  const [kmsExportable, setKmsExportable] = useState(true);
  const [protection, setProtection] = useState<"" | "SOFTWARE" | "HSM">("");
  const [algorithm, setAlgorithm] = useState<keyof typeof CLOUD_ALGORITHMS>("RSA");
  const [keySize, setKeySize] = useState(2048);
  const [csrName, setCsrName] = useState("");
  const formRef = useRef<HTMLFormElement>(null);
  const refused = useFocusInvalid(formRef);
  // The pasted CSR as the worker reads it (undefined: not read yet or nothing pasted).
  const [pasted, setPasted] = useState<{ pem: string; inspection?: CsrInspection; error?: ErrorData } | undefined>(undefined);
  // The package's quota for the chosen product, checked automatically for the two DV operations.
  const [quota, setQuota] = useState<{ code: string; state?: PackageState; error?: ErrorData } | undefined>(undefined);
  // `allowDuplicate` is sent only from the "Place another order anyway" confirmation below.
  const submit = useAction(async (allowDuplicate: boolean): Promise<OrderView> => {
    const dup = allowDuplicate ? { allowDuplicate: true } : {};
    switch (operation) {
      case "CreateCertificateWithCsrRequest": {
        const key = keys.find((k) => k.id === keyId);
        return props.api.send("orders.submitCsr", { ...contact, ...(key ? { keyId: key.id } : {}), csrPem: key?.csrPem ?? csrPaste.trim(), ...dup });
      }
      case "CreateCertificateRequest":
        return props.api.send("orders.certificateRequest", { ...contact, domain: domain.trim().toLowerCase(), ...dup });
      case "CreateCsr":
        return props.api.send("orders.casCreateCsr", {
          algorithm, keySize, commonName: subject.CN.trim(), sans: parseNames(sansText), countryCode: subject.C.trim(),
          province: subject.ST.trim(), locality: subject.L.trim(), corpName: subject.O.trim(), department: subject.OU.trim(), name: csrName.trim(), ...dup,
        });
      case "KmsCreateCertificate":
        return props.api.send("orders.kmsCreateCertificate", {
          keySpec: kmsSpec, subject: toSubjectFields(subject), sans: namesForRequest(subject.CN, parseNames(sansText)), exportablePrivateKey: kmsExportable,
          // Only the Chinese seed page documents ProtectionLevel: sent only when the user chose one.
          ...(protection ? { protectionLevel: protection } : {}),
          ...dup,
        });
    }
  });
  // One create at a time from this form: a second click (or Enter) while one is in flight does nothing.
  const inFlight = useRef(false);
  const send = async (allowDuplicate: boolean) => {
    if (inFlight.current) return;
    inFlight.current = true;
    try {
      const order = await submit.run(allowDuplicate);
      if (order) props.onCreated(order);
      else {
        props.onPendingChanged?.();
        refused();
      }
    } finally {
      inFlight.current = false;
    }
  };
  const refusedAsDuplicate = submit.error?.code === "api.create.pending" || submit.error?.code === "api.create.open_order";

  useEffect(() => {
    props.api.send("keys.list", {}).then((all) => {
      // A key's CSR not yet certified: no certificate, or a renewal CSR made since (state "csr").
      const usable = all.filter((k) => k.csrPem && (!k.certificate || k.state === "csr") && !k.spec.endsWith("SM2"));
      setKeys(usable);
      if (!keyId && usable[0] && !props.prefillCsr) setKeyId(usable[0].id);
    }, () => setKeys([]));
  }, []);
  useEffect(() => setContact(props.contact), [props.contact]);

  // A pasted CSR is read by the worker shortly after the typing stops: its names for the summary, or its error for the field.
  const pastedPem = operation === "CreateCertificateWithCsrRequest" && keyId === "" ? csrPaste.trim() : "";
  useEffect(() => {
    if (!pastedPem) return setPasted(undefined);
    let current = true;
    const timer = setTimeout(() => {
      props.api.send("csr.inspect", { csrPem: pastedPem, operation: "CreateCertificateWithCsrRequest" }).then(
        (inspection) => { if (current) setPasted({ pem: pastedPem, inspection }); },
        (err) => { if (current) setPasted({ pem: pastedPem, error: toErrorData(err) }); },
      );
    }, 300);
    return () => { current = false; clearTimeout(timer); };
  }, [pastedPem]);

  /** The two DV operations: they draw on a certificate package (its quota shown) and carry the applicant contact. */
  const dvOrder = operation === "CreateCertificateWithCsrRequest" || operation === "CreateCertificateRequest";
  const productCode = contact.productCode;
  useEffect(() => {
    if (!dvOrder || !productCode) return setQuota(undefined);
    let current = true;
    setQuota({ code: productCode });
    props.api.send("orders.packageState", { productCode }).then(
      (states) => { if (current) setQuota({ code: productCode, state: states.find((s) => s.productCode === productCode) ?? states[0] }); },
      (err) => { if (current) setQuota({ code: productCode, error: toErrorData(err) }); },
    );
    return () => { current = false; };
  }, [dvOrder, productCode]);
  const problems: string[] = [];
  if (dvOrder && Object.keys(contactErrors(contact)).length) problems.push("contact");
  const pastedRead = pasted && pasted.pem === pastedPem ? pasted : undefined;
  // The worker's reading of the pasted CSR: an error in it, or a finding the DV order would be refused for.
  const pastedProblem: ErrorData | undefined = pastedRead?.error
    ?? (pastedRead?.inspection?.findings.find((f) => f.severity === "error") as ErrorData | undefined);
  if (operation === "CreateCertificateWithCsrRequest" && !keyId && (!/BEGIN CERTIFICATE REQUEST/.test(csrPaste) || pastedProblem)) problems.push("csr");
  if (operation === "CreateCertificateRequest" && !isDomainName(domain.trim())) problems.push("domain");
  const kmsErrors = operation === "KmsCreateCertificate" ? checkSubject(PROFILES.kms, subject) : {};
  const cloudCsrErrors = operation === "CreateCsr" ? checkSubject(PROFILES.generic, subject) : {};
  // The SAN box as typed, apart from the CN (its own field reports it; the request adds it): KMS takes 10 names
  // with the CN, the cloud's CSR up to the worker's 100. Every bad name is named.
  const sanProfile = operation === "KmsCreateCertificate" ? PROFILES.kms : PROFILES.generic;
  const sanError = operation === "KmsCreateCertificate" || operation === "CreateCsr" ? checkSanBox(sanProfile, subject.CN, parseNames(sansText)) : undefined;
  if (Object.keys(kmsErrors).length || Object.keys(cloudCsrErrors).length) problems.push("subject");
  if (sanError) problems.push("sans");
  if (operation === "CreateCsr" && !CSR_NAME.test(csrName.trim())) problems.push("name");

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setShowErrors(true);
    if (problems.length) {
      submit.reset();
      refused();
      return;
    }
    await send(false);
  };
  // The CSR field's one error: the worker's reading of it, else the submit's refusal of it, else that none was pasted.
  const csrFieldError = (() => {
    if (operation !== "CreateCertificateWithCsrRequest" || keyId !== "") return undefined;
    const named = (err: ErrorData) => localizeError(locale, { ...err, field: tr("ui_csr_pem") });
    if (pastedProblem) return pastedProblem.message && !pastedRead?.error ? pastedProblem.message : named(pastedProblem);
    if (isCsrError(submit.error)) return named(submit.error!);
    return showErrors && problems.includes("csr") ? tr("ui_csr_pem_missing") : undefined;
  })();
  const selectedKey = keys.find((k) => k.id === keyId);
  const summaryDomain = operation === "CreateCertificateWithCsrRequest"
    ? (selectedKey ? selectedKey.commonName || selectedKey.sans[0] : pastedRead?.inspection?.subjectFields?.CN || pastedRead?.inspection?.sans[0]) ?? ""
    : operation === "CreateCertificateRequest" ? domain.trim().toLowerCase() : subject.CN.trim();
  const subjErr = operation === "KmsCreateCertificate" ? kmsErrors : cloudCsrErrors;
  const fieldErr = (f: keyof SubjectInput) => (showErrors && subjErr[f] ? localizeError(locale, subjErr[f]!) : undefined);
  const subjectField = (f: keyof SubjectInput, label: string) => (
    <TextField
      id={`order-subject-${f}`}
      label={tr(label)}
      required={operation === "KmsCreateCertificate" ? PROFILES.kms.required.includes(f) : f === "CN"}
      value={subject[f]}
      error={fieldErr(f)}
      onInput={(v) => setSubject({ ...subject, [f]: f === "C" ? v.toUpperCase() : v })}
    />
  );

  return (
    <form class="stack" onSubmit={onSubmit} noValidate id="new-order" ref={formRef}>
      <SelectField
        id="order-operation"
        label={tr("ui_order_operation")}
        hint={tr(`ui_op_${operation}_hint`)}
        value={operation}
        choices={OPERATIONS.map((o) => ({ value: o, label: tr(`ui_op_${o}`) }))}
        onChange={(v) => { setOperation(v as OrderOperation); setShowErrors(false); submit.reset(); }}
      />
      {operation === "CreateCertificateWithCsrRequest" ? (
        <>
          <SelectField
            id="order-key"
            label={tr("ui_order_csr_source")}
            hint={tr("ui_order_csr_source_hint")}
            value={keyId}
            choices={[...keys.map((k) => ({ value: k.id, label: `${k.commonName} · ${keySpecName(k.spec, locale)}` })), { value: "", label: tr("ui_paste_csr") }]}
            onChange={(v) => { setKeyId(v); submit.reset(); }}
          />
          {keyId === "" ? (
            <TextField id="order-csr" label={tr("ui_csr_pem")} multiline rows={4} value={csrPaste}
              onInput={(v) => { setCsrPaste(v); if (isCsrError(submit.error)) submit.reset(); }}
              error={csrFieldError} />
          ) : null}
        </>
      ) : null}
      {operation === "CreateCertificateRequest" ? (
        <TextField id="order-domain" label={tr("ui_domain")} hint={tr("ui_domain_hint")} required value={domain} onInput={setDomain}
          error={showErrors && problems.includes("domain") ? tr("ui_domain_invalid") : undefined} />
      ) : null}
      {operation === "CreateCsr" ? (
        <>
          <SelectField id="cloud-algorithm" label={tr("ui_algorithm")} value={algorithm}
            choices={(Object.keys(CLOUD_ALGORITHMS) as (keyof typeof CLOUD_ALGORITHMS)[]).map((a) => ({ value: a, label: a }))}
            onChange={(v) => { const a = v as keyof typeof CLOUD_ALGORITHMS; setAlgorithm(a); setKeySize(CLOUD_ALGORITHMS[a][0]); }} />
          <SelectField id="cloud-key-size" label={tr("ui_key_size")} value={String(keySize)}
            choices={CLOUD_ALGORITHMS[algorithm].map((n) => ({ value: String(n), label: String(n) }))} onChange={(v) => setKeySize(Number(v))} />
          <TextField id="cloud-csr-name" label={tr("ui_csr_name")} hint={tr("ui_csr_name_hint")} required value={csrName} onInput={setCsrName}
            error={showErrors && problems.includes("name") ? tr("ui_csr_name_invalid") : undefined} />
        </>
      ) : null}
      {operation === "KmsCreateCertificate" ? (
        <>
          <SelectField id="kms-key-spec" label={tr("ui_key_spec")} value={kmsSpec}
            choices={KMS_SPECS.map((s) => ({ value: s, label: tr(`ui_kms_spec_${s}`) }))} onChange={(v) => setKmsSpec(v as (typeof KMS_SPECS)[number])} />
          <CheckboxField id="kms-exportable" label={tr("ui_kms_exportable")} hint={tr(kmsExportable ? "ui_kms_exportable_yes_hint" : "ui_kms_exportable_no_hint")}
            checked={kmsExportable} onChange={setKmsExportable} />
          <SelectField id="kms-protection" label={tr("ui_kms_protection")} hint={tr("ui_kms_protection_hint")} value={protection}
            choices={[{ value: "", label: tr("ui_kms_protection_default") }, { value: "SOFTWARE", label: "SOFTWARE" }, { value: "HSM", label: "HSM" }]}
            onChange={(v) => setProtection(v as "" | "SOFTWARE" | "HSM")} />
        </>
      ) : null}
      {operation === "CreateCsr" || operation === "KmsCreateCertificate" ? (
        <fieldset class="stack">
          <legend>{tr("ui_subject")}</legend>
          {subjectField("CN", "ui_subject_CN")}
          {subjectField("O", "ui_subject_O")}
          {subjectField("OU", "ui_subject_OU")}
          {subjectField("C", "ui_subject_C")}
          {subjectField("ST", "ui_subject_ST")}
          {subjectField("L", "ui_subject_L")}
          <TextField id="order-sans" label={tr("ui_sans")} hint={tr("ui_sans_box_hint", { max: sanBoxLimit(sanProfile) })}
            multiline rows={2} value={sansText} onInput={setSansText}
            error={showErrors && sanError ? localizeError(locale, { ...sanError, field: tr("ui_sans") }) : undefined} />
        </fieldset>
      ) : null}
      {dvOrder ? <ContactFields idPrefix="order" value={contact} onChange={setContact} showErrors={showErrors} /> : null}
      <section class="subtle stack" id="order-summary" aria-labelledby="order-summary-title" aria-live="polite">
        <h3 id="order-summary-title">{tr("ui_order_summary")}</h3>
        <p id="order-summary-domain">{summaryDomain ? tr("ui_order_summary_domain", { domain: summaryDomain }) : tr("ui_order_summary_no_domain")}</p>
        {dvOrder ? (
          <>
            <p id="order-summary-product" title={productDetail(productCode, locale)}>{tr("ui_order_summary_product", { product: productName(productCode, locale) })}</p>
            <p id="order-summary-quota" data-left={quota?.state ? quota.state.totalCount - quota.state.usedCount : undefined}>
              {!quota || (!quota.state && !quota.error)
                ? tr("ui_order_summary_quota_checking")
                : quota.state
                  ? quota.state.totalCount - quota.state.usedCount > 0
                    ? tr("ui_order_summary_quota", { left: quota.state.totalCount - quota.state.usedCount, total: quota.state.totalCount })
                    : tr("ui_order_summary_quota_none", { total: quota.state.totalCount })
                  : quota.error!.code === "api.credentials.not_saved"
                    ? tr("ui_order_summary_quota_no_credentials")
                    : tr("ui_order_summary_quota_unknown", { reason: localizeError(locale, quota.error!) })}
            </p>
          </>
        ) : (
          <p id="order-summary-product">{tr(operation === "CreateCsr" ? "ui_order_summary_cloud_csr" : "ui_order_summary_kms")}</p>
        )}
      </section>
      <ErrorNotice error={isCsrError(submit.error) && operation === "CreateCertificateWithCsrRequest" && keyId === "" ? null : submit.error} id="order-error" />
      {refusedAsDuplicate ? (
        <div class="confirm" role="alertdialog" aria-labelledby="duplicate-question">
          <p id="duplicate-question">{tr("ui_duplicate_confirm")}</p>
          <div class="actions">
            <button type="button" class="danger small" id="place-duplicate" disabled={submit.busy} onClick={() => void send(true)}>{tr("ui_place_duplicate")}</button>
            <button type="button" class="secondary small" id="cancel-duplicate" onClick={() => submit.reset()}>{tr("ui_cancel")}</button>
          </div>
        </div>
      ) : null}
      <div class="actions">
        <button type="submit" id="submit-order" disabled={submit.busy}>{submit.busy ? tr("ui_submitting") : tr("ui_submit_order")}</button>
        {props.onCancel ? <button type="button" class="secondary" id="cancel-new-order" onClick={props.onCancel}>{tr("ui_cancel")}</button> : null}
      </div>
    </form>
  );
}
