"""Site administration and tooling: the `motcua` command line, the demo, provisioning, backups."""
