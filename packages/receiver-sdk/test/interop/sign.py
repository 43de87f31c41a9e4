"""Signs a body as WIRE.md says, with nothing but Python's standard library.

Usage: sign.py KEY MSG_ID TIMESTAMP < body  ->  prints a JSON object of the two signature headers.
"""
import base64
import hashlib
import hmac
import json
import sys

key, msg_id, timestamp = sys.argv[1], sys.argv[2], sys.argv[3]
body = sys.stdin.buffer.read()
sha1 = hmac.new(key.encode("utf-8"), body, hashlib.sha1).hexdigest()
secret = base64.b64decode(key[len("whsec_"):])
signed = msg_id.encode("utf-8") + b"." + timestamp.encode("utf-8") + b"." + body
standard = base64.b64encode(hmac.new(secret, signed, hashlib.sha256).digest()).decode("ascii")
print(json.dumps({"x-hookdesk-signature": "sha1=" + sha1, "webhook-signature": "v1," + standard}))
