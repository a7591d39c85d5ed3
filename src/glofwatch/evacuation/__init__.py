"""Who is safe, who left, who still needs help: acknowledgements (SMS replies, Telegram buttons,
operators), shelter check-ins (operator or the household's QR code) and the counts per alert and
per season. Start at :mod:`glofwatch.evacuation.service`."""
