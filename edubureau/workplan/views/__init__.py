"""The work-plan pages: plans, tasks and projects (plans.py) and documents (documents.py)."""
