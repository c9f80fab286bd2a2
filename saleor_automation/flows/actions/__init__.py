"""Action nodes' side effects that call outside the app, one module per action:
voucher.py (create_voucher), metadata.py (write_metadata), webhook.py (call_webhook).
flows/effects.py runs them; base.py holds what they share."""
