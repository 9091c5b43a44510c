"""Statistics and reports: queue, dossier and satisfaction figures as XLSX and HTML."""
