"""`motcua notify`: sends queued messages to citizens by Zalo ZNS, SMS and e-mail."""
