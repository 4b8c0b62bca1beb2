// Inputs made outside Keysmith that the fuzz regressions and the CLI regression test feed back in.
// Each CSR below is made and verified by OpenSSL 3: `openssl req -new -key k.pem -subj /CN=a -addext OID=DER:...`
// with malformed extension content (keyUsage 03 02, subjectAltName 05 00, extKeyUsage 05 00).
export const CSR_MALFORMED_KU = `-----BEGIN CERTIFICATE REQUEST-----
MIHiMIGKAgEAMAwxCjAIBgNVBAMMAWEwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC
AARGPaOkavxtZETMU+lZJH/FcpZ7qStiWdeDSTzuN171F6P7GUKJjHkikvOZtoj2
url0k2TwImWGBiV4Ijup33qboBwwGgYJKoZIhvcNAQkOMQ0wCzAJBgNVHQ8EAgMC
MAoGCCqGSM49BAMCA0cAMEQCIEWbOtETRtf0IOm9qHlyO+8Vt9npvwYQr+sAvTxW
U1pFAiBYYek4IKMibpAKhEeMY3z+O1OkVmuYZzTRM9+eGP9Zsw==
-----END CERTIFICATE REQUEST-----`;

export const CSR_MALFORMED_SAN = `-----BEGIN CERTIFICATE REQUEST-----
MIHkMIGKAgEAMAwxCjAIBgNVBAMMAWEwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC
AARGPaOkavxtZETMU+lZJH/FcpZ7qStiWdeDSTzuN171F6P7GUKJjHkikvOZtoj2
url0k2TwImWGBiV4Ijup33qboBwwGgYJKoZIhvcNAQkOMQ0wCzAJBgNVHREEAgUA
MAoGCCqGSM49BAMCA0kAMEYCIQD0+pvPMgvP4SayHcuV00zT1mfM6NO2jZLq8g2M
aI1DnQIhAKAtRSX44gE+EYiJkZL8mu5NkubyWzYfEpZ8TMFOKk+k
-----END CERTIFICATE REQUEST-----`;

export const CSR_MALFORMED_EKU = `-----BEGIN CERTIFICATE REQUEST-----
MIHkMIGKAgEAMAwxCjAIBgNVBAMMAWEwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC
AARGPaOkavxtZETMU+lZJH/FcpZ7qStiWdeDSTzuN171F6P7GUKJjHkikvOZtoj2
url0k2TwImWGBiV4Ijup33qboBwwGgYJKoZIhvcNAQkOMQ0wCzAJBgNVHSUEAgUA
MAoGCCqGSM49BAMCA0kAMEYCIQC1iBoPHpyvlH4VjUaTD9bNreoagfPa8v2wvtHj
KhF1vAIhALG5V9ig2n01dFD+8fdWhVkvPEe+F2YEm5Obyoo2qo+U
-----END CERTIFICATE REQUEST-----`;

/** `openssl ecparam -name prime256v1 -param_enc explicit -genkey | openssl pkcs8 -topk8 -nocrypt`: explicit curve parameters. */
export const PKCS8_EC_EXPLICIT_CURVE = `-----BEGIN PRIVATE KEY-----
MIIBeQIBADCCAQMGByqGSM49AgEwgfcCAQEwLAYHKoZIzj0BAQIhAP////8AAAAB
AAAAAAAAAAAAAAAA////////////////MFsEIP////8AAAABAAAAAAAAAAAAAAAA
///////////////8BCBaxjXYqjqT57PrvVV2mIa8ZR0GsMxTsPY7zjw+J9JgSwMV
AMSdNgiG5wSTamZ44ROdJreBn36QBEEEaxfR8uEsQkf4vOblY6RA8ncDfYEt6zOg
9KE5RdiYwpZP40Li/hp/m47n60p8D54WK84zV2sxXs7LtkBoN79R9QIhAP////8A
AAAA//////////+85vqtpxeehPO5ysL8YyVRAgEBBG0wawIBAQQg9jxmBwSOjHFI
CKj6zE3Xyr92UkLbHqjrxV+oSwNsgrmhRANCAATdvc5H99oog5NSzDJN0kdHv9J5
KAQ7kk0x1KfRZtVM/6d68y5Uk+4Fad3XzQ4V/5uaOg94gprlL2Vd0NjTmO7v
-----END PRIVATE KEY-----`;
