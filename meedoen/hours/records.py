"""The signed MaS record file that travels between installations (regions).

A record file is a ZIP with three members:

* ``record.json`` — the student's record (identity, school, placements with hours and
  reflections, certificates, earlier imports), UTF-8 JSON;
* ``record.json.sig`` — a detached Ed25519 signature over the exact bytes of
  ``record.json``, with the signer's public key and key id;
* ``record.pdf`` — the same record, readable by a person (not signed, not imported).

Each installation signs with an Ed25519 key derived from its ``SECRET_KEY`` (HKDF-SHA256),
so no extra secret has to be managed. An importing installation trusts its own key and
the public keys listed in ``settings.MEEDOEN_TRUSTED_RECORD_KEYS`` (base64, the other
regions' keys as shown on the import page). A file whose signature does not verify, or
that is signed by an unknown key, is refused and nothing is written.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from meedoen.core.errors import ServiceError

FORMAT = "meedoen-mas-record"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_JSON_BYTES = 5 * 1024 * 1024


def _private_key():
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    seed = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"meedoen-record", info=b"ed25519-v1"
    ).derive(settings.SECRET_KEY.encode())
    return Ed25519PrivateKey.from_private_bytes(seed)


def _public_bytes(private_key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def key_id_of(public: bytes) -> str:
    return hashlib.sha256(public).hexdigest()[:16]


def own_public_key() -> str:
    """This installation's public key, base64, to give to the regions that import from us."""
    return base64.b64encode(_public_bytes(_private_key())).decode()


def trusted_keys() -> dict[str, bytes]:
    keys = {}
    for encoded in [own_public_key(), *getattr(settings, "MEEDOEN_TRUSTED_RECORD_KEYS", [])]:
        try:
            raw = base64.b64decode(encoded, validate=True)
        except ValueError:
            continue
        if len(raw) == 32:
            keys[key_id_of(raw)] = raw
    return keys


def sign(payload: bytes) -> bytes:
    key = _private_key()
    public = _public_bytes(key)
    doc = {
        "algorithm": "Ed25519",
        "key_id": key_id_of(public),
        "public_key": base64.b64encode(public).decode(),
        "sha256": hashlib.sha256(payload).hexdigest(),
        "signature": base64.b64encode(key.sign(payload)).decode(),
    }
    return json.dumps(doc, indent=2).encode()


def verify(payload: bytes, signature_doc: bytes) -> str:
    """The signer's key id if ``signature_doc`` verifies ``payload``; else ServiceError."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    refused = ServiceError(
        _("The signature of this record file does not match its content: it was changed "
          "after export or is damaged. Nothing was imported.")
    )  # fmt: skip
    try:
        doc = json.loads(signature_doc)
        signature = base64.b64decode(doc["signature"], validate=True)
        key_id = str(doc["key_id"])
    except (ValueError, KeyError, TypeError) as exc:
        raise refused from exc
    if doc.get("algorithm") != "Ed25519":
        raise refused
    public = trusted_keys().get(key_id)
    if public is None:
        raise ServiceError(
            _("This record file was signed by an installation this one does not trust. "
              "Nothing was imported.")
        )  # fmt: skip
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, payload)
    except InvalidSignature as exc:
        raise refused from exc
    return key_id


def bundle(payload: dict, pdf: bytes) -> bytes:
    data = json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=True).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("record.json", data)
        zf.writestr("record.json.sig", sign(data))
        zf.writestr("record.pdf", pdf)
    return out.getvalue()


def unbundle(uploaded) -> tuple[dict, bytes, str]:
    """Read and verify a record file: (payload, exact JSON bytes, signer key id)."""
    bad_file = ServiceError(_("This is not a Meedoen record file (a ZIP with record.json)."))
    if (getattr(uploaded, "size", 0) or 0) > MAX_FILE_BYTES:
        raise ServiceError(_("The record file is larger than 10 MB."))
    try:
        with zipfile.ZipFile(uploaded) as zf:
            infos = {i.filename: i for i in zf.infolist()}
            if "record.json" not in infos or "record.json.sig" not in infos:
                raise bad_file
            if infos["record.json"].file_size > MAX_JSON_BYTES:
                raise bad_file
            data = zf.read("record.json")
            signature = zf.read("record.json.sig")[:10_000]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise bad_file from exc
    key_id = verify(data, signature)
    try:
        payload = json.loads(data)
    except ValueError as exc:
        raise bad_file from exc
    if (
        not isinstance(payload, dict)
        or payload.get("format") != FORMAT
        or payload.get("version") != FORMAT_VERSION
    ):
        raise bad_file
    return payload, data, key_id
