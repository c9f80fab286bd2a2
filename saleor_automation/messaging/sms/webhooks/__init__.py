"""Provider webhooks for SMS: delivery reports and inbound replies, verified, normalised into
SmsTrackingEvents and sent as the sms_tracking signal (routes in sms/urls.py)."""
