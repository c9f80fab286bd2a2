"""Tracking webhook bodies in the ESPs' own formats (the shapes of Postmark's webhook docs
and of Mailgun's JSON webhooks, as anymail's tests post them), and their authentication."""

import base64
import hashlib
import hmac
import json
from typing import Any

WEBHOOK_SECRET = "anymail-hook:s3cret-passw0rd"
MAILGUN_SIGNING_KEY = "key-mailgun-signing-0123456789"
MAILGUN_TOKEN = "651869375b9df3c98fc15c4889b102119add1235c38fc92824"


def basic_auth(credentials: str = WEBHOOK_SECRET) -> dict[str, str]:
    token = base64.b64encode(credentials.encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def postmark_delivery(message_id: str, metadata: dict[str, str], **extra: Any) -> dict:
    return {
        "RecordType": "Delivery",
        "ServerID": 23,
        "MessageStream": "outbound",
        "MessageID": message_id,
        "Recipient": "person1@example.com",
        "Tag": "welcome-email",
        "DeliveredAt": "2026-06-15T12:05:54.9070259Z",
        "Details": "smtp;250 2.0.0 OK",
        "Metadata": metadata,
        **extra,
    }


def postmark_bounce(message_id: str, metadata: dict[str, str], kind: str = "HardBounce") -> dict:
    return {
        "RecordType": "Bounce",
        "MessageStream": "outbound",
        "ID": 4323372036854775807,
        "Type": kind,
        "TypeCode": 1 if kind == "HardBounce" else 4096,
        "Name": "Hard bounce" if kind == "HardBounce" else "Soft bounce",
        "Tag": "welcome-email",
        "MessageID": message_id,
        "Metadata": metadata,
        "ServerID": 23,
        "Description": "The server was unable to deliver your message (ex: unknown user).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": "person1@example.com",
        "From": "shop@example.com",
        "BouncedAt": "2026-06-15T12:06:10.0000000Z",
        "DumpAvailable": True,
        "Inactive": kind == "HardBounce",
        "CanActivate": True,
        "Subject": "Your cart",
        "Content": "<Full dump of bounce>",
    }


def postmark_open(message_id: str, metadata: dict[str, str], at: str) -> dict:
    return {
        "RecordType": "Open",
        "MessageStream": "outbound",
        "FirstOpen": True,
        "Client": {"Name": "Chrome 35.0.1916.153", "Company": "Google", "Family": "Chrome"},
        "OS": {"Name": "OS X 10.7 Lion", "Company": "Apple Computer, Inc.", "Family": "OS X 10"},
        "Platform": "WebMail",
        "UserAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_7_5) Chrome/35.0.1916.153",
        "ReadSeconds": 5,
        "Geo": {"CountryISOCode": "RS", "Country": "Serbia", "City": "Novi Sad"},
        "MessageID": message_id,
        "Metadata": metadata,
        "ReceivedAt": at,
        "Tag": "welcome-email",
        "Recipient": "person1@example.com",
    }


def postmark_spam_complaint(message_id: str, metadata: dict[str, str]) -> dict:
    return {
        "RecordType": "SpamComplaint",
        "MessageStream": "outbound",
        "ID": 42,
        "Type": "SpamComplaint",
        "TypeCode": 512,
        "Name": "Spam complaint",
        "Tag": "welcome-email",
        "MessageID": message_id,
        "Metadata": metadata,
        "ServerID": 23,
        "Description": "",
        "Details": "Test spam complaint details",
        "Email": "person1@example.com",
        "From": "shop@example.com",
        "BouncedAt": "2026-06-15T13:00:00.0000000Z",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": False,
        "Subject": "Your cart",
        "Content": "<Abuse report dump>",
    }


def mailgun_signature(timestamp: str, token: str, key: str = MAILGUN_SIGNING_KEY) -> str:
    return hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()


def mailgun_event(
    event: str,
    message_id: str,
    user_variables: dict[str, str],
    *,
    token: str = MAILGUN_TOKEN,
    key: str = MAILGUN_SIGNING_KEY,
    **event_data: Any,
) -> dict:
    timestamp = "1781525137"
    data = {
        "tags": [],
        "timestamp": 1781525137.153125,
        "storage": {
            "url": "https://se.api.mailgun.net/v3/domains/example.org/messages/eyJwI...",
            "key": "eyJwI...",
        },
        "recipient-domain": "example.com",
        "id": "hTWCTD81RtiDN-...-Qg",
        "campaigns": [],
        "user-variables": user_variables,
        "flags": {"is-routed": False, "is-authenticated": True, "is-test-mode": False},
        "log-level": "info",
        "envelope": {
            "sending-ip": "333.123.123.200",
            "sender": "bob@example.org",
            "transport": "smtp",
            "targets": "person1@example.com",
        },
        "message": {
            "headers": {
                "to": "person1@example.com",
                "message-id": message_id,
                "from": "bob@example.org",
                "subject": "Your cart",
            },
            "attachments": [],
            "size": 809,
        },
        "recipient": "person1@example.com",
        "event": event,
        "delivery-status": {
            "tls": True,
            "mx-host": "smtp-in.example.com",
            "code": 250,
            "description": "",
            "session-seconds": 0.43,
            "utf8": True,
            "attempt-no": 1,
            "message": "OK",
            "certificate-verified": True,
        },
        **event_data,
    }
    return {
        "signature": {
            "timestamp": timestamp,
            "token": token,
            "signature": mailgun_signature(timestamp, token, key),
        },
        "event-data": data,
    }


def as_json(payload: dict) -> str:
    return json.dumps(payload)
