"""Loopback emulators of the remote services that cannot run here (the phone network's SMSC, the
Telegram Bot API, an SMS HTTP gateway, partner webhooks, sirens on MQTT, a mail server via aiosmtpd).

They speak the real protocols on 127.0.0.1 - SMPP 3.4 PDUs, HTTP/JSON, MQTT, SMTP - and record what
they received so tests, the demo and the benchmarks can count it. They never decide success for the
sender: a channel's result comes from the protocol exchange, as in operations.
"""
