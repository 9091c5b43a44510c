"""`motcua web`: the citizen's phone pages (a ticket's live place, a dossier's progress)."""
