#!/usr/bin/env python3
"""Known webhook signatures, computed with Python's hmac and hashlib only.

The output is pasted into tests/integration/webhooks.rs (the VECTORS table and
the constants above it), so the Rust tests check the SDK against signatures it
did not compute. Run: python3 tests/vectors/webhook_vectors.py
"""

import hashlib
import hmac
import json

TOKEN = b"whsec_imprint_vectors_7f3a"
RAW_KEY = bytes.fromhex("00ff7f80c3289f0a")  # not UTF-8: a key only from_bytes can hold
OLD_TOKEN = b"whsec_rotation_old"
NEW_TOKEN = b"whsec_rotation_new"

# The docs' example body; its canonical form is the docs' example message.
DOCS_BODY = b'{"hello": "world", "amount": 5000}'
DOCS_T = "1723493048949"  # the docs' example timestamp, milliseconds
SECONDS_T = "1740779129"  # the docs' header example, seconds


def canonical(body):
    """Compact JSON with keys sorted by code point, computed by Python's json."""
    return json.dumps(
        json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


assert (DOCS_T + ".").encode() + canonical(DOCS_BODY) == (
    b'1723493048949.{"amount":5000,"hello":"world"}'
)

KEYS = {
    "Token": lambda secret: secret,
    "Sha256OfToken": lambda secret: hashlib.sha256(secret).digest(),
    "Sha256HexOfToken": lambda secret: hashlib.sha256(secret).hexdigest().encode(),
}
MESSAGES = {"RawBody": lambda body: body, "CanonicalJson": canonical}


def sign(secret, key, message, t, body):
    signed = t.encode() + b"." + MESSAGES[message](body)
    return hmac.new(KEYS[key](secret), signed, hashlib.sha256).hexdigest()


print("// (key reading, message reading, t, signature) for TOKEN and DOCS_BODY")
for t in (DOCS_T, SECONDS_T):
    for key in KEYS:
        for message in MESSAGES:
            print(f'("{key}", "{message}", "{t}", "{sign(TOKEN, key, message, t, DOCS_BODY)}"),')

print("// RAW_KEY, default reading, DOCS_BODY at DOCS_T")
print(f'RAW_KEY_SIGNATURE = "{sign(RAW_KEY, "Token", "RawBody", DOCS_T, DOCS_BODY)}"')
print("// rotation: OLD_TOKEN and NEW_TOKEN, default reading, DOCS_BODY at DOCS_T")
print(f'OLD_SIGNATURE = "{sign(OLD_TOKEN, "Token", "RawBody", DOCS_T, DOCS_BODY)}"')
print(f'NEW_SIGNATURE = "{sign(NEW_TOKEN, "Token", "RawBody", DOCS_T, DOCS_BODY)}"')
