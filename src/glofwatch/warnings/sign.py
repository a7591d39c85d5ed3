"""XML digital signatures (XML-DSig, enveloped, RSA-SHA256) on CAP documents, with signxml.

The ``<ds:Signature>`` goes last in ``<alert>``, where the CAP 1.2 schema allows it, and carries the
X.509 certificate so that aggregators (and WMO's capvalidator) can verify it.
"""

from __future__ import annotations

from datetime import datetime

from lxml import etree

from glofwatch.warnings.cap import CheckResult


def sign_cap(xml: bytes, *, key_pem: bytes, cert_pem: bytes) -> bytes:
    """``xml`` signed with ``key_pem`` (PEM private key); ``cert_pem`` is embedded."""
    from signxml import XMLSigner
    from signxml.algorithms import CanonicalizationMethod, SignatureMethod

    # Sign the compact form (no whitespace-only text between elements): verifiers that strip blank
    # text before checking the digest, like WMO's capvalidator, then see exactly what was signed.
    root = etree.fromstring(xml, parser=etree.XMLParser(remove_blank_text=True))
    signer = XMLSigner(signature_algorithm=SignatureMethod.RSA_SHA256,
                       c14n_algorithm=CanonicalizationMethod.CANONICAL_XML_1_0)
    signed = signer.sign(root, key=key_pem, cert=cert_pem)
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def verify_cap(xml: bytes, *, cert_pem: bytes | None = None, at: datetime | None = None) -> CheckResult:
    """Verify the signature against ``cert_pem`` (the issuer's), else against the embedded certificate.

    ``at``: judge the certificate's validity at this time (e.g. the message's ``sent``: an archived
    message signed with a since-expired certificate still verifies); default now.
    """
    from signxml import InvalidInput, InvalidSignature, SignatureConfiguration, XMLVerifier

    root = etree.fromstring(xml)
    if cert_pem is None:
        el = root.find(".//{http://www.w3.org/2000/09/xmldsig#}X509Certificate")
        if el is None or not (el.text or "").strip():
            return CheckResult(False, ["the CAP message is not signed (no ds:X509Certificate)"])
        cert_pem = ("-----BEGIN CERTIFICATE-----\n" + el.text.strip() + "\n-----END CERTIFICATE-----\n").encode()  # type: ignore[union-attr]
    try:
        XMLVerifier().verify(root, x509_cert=cert_pem.decode(), expect_config=SignatureConfiguration(verification_time=at))
    except (InvalidSignature, InvalidInput) as e:
        return CheckResult(False, [f"signature invalid: {e}; was the message changed after signing, or signed by another key?"])
    return CheckResult(True, [])
