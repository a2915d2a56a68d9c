"""The catalog's REST API v1 read endpoints (docs/api.md): thin views over catalog.selectors
and catalog.search; serializers only shape what those return."""
