"""One module per `infopoint-admin` sub-command."""
