"""`motcua central`: the provincial dossier index every branch feeds and asks (docs/province.md)."""
