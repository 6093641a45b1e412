"""招生入学 pages, one module per part of the process; thin views over the services."""
