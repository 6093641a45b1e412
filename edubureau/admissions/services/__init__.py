"""招生入学 business rules, one module per part of the process (views, API, importer, CLI and demo call these)."""
